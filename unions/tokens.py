"""The unguessable token in a union's public link (the QR code on its notice board)."""

import secrets

# 16 random bytes: 22 URL-safe characters, 128 bits — not guessable, and short enough to keep
# the QR code small (a shorter URL is a smaller, easier-to-scan code).
PUBLIC_TOKEN_BYTES = 16
PUBLIC_TOKEN_MAX_LENGTH = 32


def new_public_token() -> str:
    return secrets.token_urlsafe(PUBLIC_TOKEN_BYTES)
