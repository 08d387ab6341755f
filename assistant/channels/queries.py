"""SQL of the chat channels."""

STORE_MESSAGE = """
INSERT INTO chat_messages (id, channel, platform_id, sender_id, text, received_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (channel, platform_id) DO NOTHING
RETURNING id
"""

GET_MESSAGE = """
SELECT id, channel, sender_id, text, received_at, reply, replied_at FROM chat_messages WHERE id = $1
"""

# the first answer computed wins, so two workers on one message send the same words
KEEP_REPLY = """
UPDATE chat_messages SET reply = COALESCE(reply, $2) WHERE id = $1 RETURNING reply
"""

MARK_REPLIED = """
UPDATE chat_messages SET replied_at = $2, reply_platform_id = $3 WHERE id = $1 AND replied_at IS NULL
"""

# an earlier message of the same citizen still waiting for its answer: answer that one first, so
# "lệ phí bao nhiêu" is understood after the procedure named just before it
EARLIER_UNANSWERED = """
SELECT EXISTS (
    SELECT 1 FROM chat_messages
    WHERE channel = $1 AND sender_id = $2 AND reply IS NULL AND id <> $3
      AND received_at < $4 AND received_at > $5
)
"""

GET_ZALO_TOKENS = """
SELECT access_token, refresh_token FROM zalo_tokens WHERE app_id = $1
"""

SAVE_ZALO_TOKENS = """
INSERT INTO zalo_tokens (app_id, access_token, refresh_token, expires_at, updated_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (app_id) DO UPDATE
SET access_token = EXCLUDED.access_token, refresh_token = EXCLUDED.refresh_token,
    expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at
"""
