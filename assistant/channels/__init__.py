"""The assistant on Zalo OA and Facebook Messenger: webhooks in, replies out from the worker."""
