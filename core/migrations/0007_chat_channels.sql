-- Messages citizens send the OA on Zalo and the page on Messenger, answered from the worker, and
-- the Zalo OA token pair (Zalo's refresh tokens are single-use: every refresh yields a new pair).

CREATE TABLE chat_messages (
    id                uuid PRIMARY KEY,
    channel           text NOT NULL CHECK (channel IN ('zalo', 'messenger')),
    platform_id       text NOT NULL,
    sender_id         text NOT NULL,
    text              text NOT NULL,
    received_at       timestamptz NOT NULL,
    reply             jsonb,
    replied_at        timestamptz,
    reply_platform_id text
);
-- platforms deliver some events twice: the second delivery finds the first row and stores nothing
CREATE UNIQUE INDEX chat_messages_platform_id ON chat_messages (channel, platform_id);
CREATE INDEX chat_messages_unanswered ON chat_messages (channel, sender_id, received_at) WHERE reply IS NULL;

CREATE TABLE zalo_tokens (
    app_id        text PRIMARY KEY,
    access_token  text NOT NULL,
    refresh_token text NOT NULL,
    expires_at    timestamptz,
    updated_at    timestamptz NOT NULL
);
