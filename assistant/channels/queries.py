"""SQL of the chat channels."""

STORE_MESSAGE = """
INSERT INTO chat_messages (id, channel, platform_id, sender_id, text, received_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (channel, platform_id) DO NOTHING
RETURNING id
"""

# `waits`: an earlier message of the same citizen (received within $2) still has no answer; it is
# answered first, so "lệ phí bao nhiêu" is understood after the procedure named just before it
GET_MESSAGE = """
SELECT m.text, m.reply, m.replied_at, EXISTS (
    SELECT 1 FROM chat_messages e
    WHERE e.channel = m.channel AND e.sender_id = m.sender_id AND e.reply IS NULL AND e.id <> m.id
      AND e.received_at < m.received_at AND e.received_at > m.received_at - $2::interval
) AS waits
FROM chat_messages m WHERE m.id = $1
"""

# the first answer computed wins, so two workers on one message send the same words
KEEP_REPLY = """
UPDATE chat_messages SET reply = COALESCE(reply, $2) WHERE id = $1 RETURNING reply
"""

MARK_REPLIED = """
UPDATE chat_messages SET replied_at = $2, reply_platform_id = $3 WHERE id = $1 AND replied_at IS NULL
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
