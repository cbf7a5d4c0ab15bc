"""Optional encryption of drafts at rest: Fernet with a key derived from a passphrase by scrypt.

The same idea as Docassemble's encrypted answers: whoever can read the user's files still cannot
read a conversation about a child without the passphrase. The salt and the scrypt cost travel
with the file, so a draft can always be opened with its passphrase alone. A wrong passphrase
raises WrongPassphrase and changes nothing: decrypting never writes.

`cryptography` is imported on first use, so a conversation that does not encrypt never pays for it.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from typing import Any

KDF = "scrypt"
# scrypt cost: 2**15 iterations, block size 8, one lane (32 MiB, about 0.1 s): the OWASP minimum.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
# A hostile file could name a huge cost (n=2**20, r=32, p=16: minutes and gigabytes) to hang
# the machine, or a tiny one to make guessing cheap. Only the parameters this app writes are
# accepted, checked before any key is derived; a later version that raises the cost adds its
# parameters here.
ACCEPTED_KDF_PARAMS = frozenset({(SCRYPT_N, SCRYPT_R, SCRYPT_P)})
MIN_PASSPHRASE = 8  # characters; shorter passphrases are refused when one is chosen


class CryptoError(Exception):
    """An encrypted draft could not be opened; the message says why in plain words."""


class WrongPassphrase(CryptoError):
    """The passphrase does not open this draft (or the encrypted part was altered)."""


def check_new_passphrase(passphrase: str) -> str | None:
    """Why `passphrase` cannot be chosen to encrypt drafts, or None if it can.

    Only a new passphrase is checked: a draft encrypted earlier still opens with its own.
    """
    if len(passphrase) < MIN_PASSPHRASE:
        return (
            f"the passphrase is too short ({len(passphrase)} characters); "
            f"choose one of at least {MIN_PASSPHRASE}"
        )
    return None


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt  # lazy: only with a passphrase

    key = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return base64.urlsafe_b64encode(key)


@dataclass
class Sealer:
    """Encrypts with one passphrase; derives the key once per salt (scrypt is slow on purpose)."""

    passphrase: str
    salt: bytes = field(default_factory=lambda: os.urandom(SALT_BYTES))
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P
    _key: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.passphrase:
            raise CryptoError("the passphrase is empty; choose one of at least one character")

    def key(self) -> bytes:
        if self._key is None:
            self._key = _derive(self.passphrase, self.salt, self.n, self.r, self.p)
        return self._key

    def seal(self, plaintext: bytes) -> dict[str, Any]:
        """The encrypted block stored in a draft file."""
        from cryptography.fernet import Fernet  # lazy: only with a passphrase

        token = Fernet(self.key()).encrypt(plaintext)
        return {
            "kdf": KDF,
            "n": self.n,
            "r": self.r,
            "p": self.p,
            "salt": base64.b64encode(self.salt).decode("ascii"),
            "token": token.decode("ascii"),
        }

    def open(self, block: Any) -> bytes:
        """Decrypt a block sealed by any Sealer; WrongPassphrase if this passphrase does not fit.

        When the block's salt differs from ours, the key is derived for that salt; later saves
        by this Sealer keep using its own salt, which is harmless (each file stores its salt).
        """
        from cryptography.fernet import Fernet, InvalidToken  # lazy: only with a passphrase

        salt, n, r, p, token = _parse_block(block)
        key = (
            self.key()
            if (salt, n, r, p) == (self.salt, self.n, self.r, self.p)
            else _derive(self.passphrase, salt, n, r, p)
        )
        try:
            return Fernet(key).decrypt(token)
        except InvalidToken:
            raise WrongPassphrase("the passphrase does not open it") from None

    @classmethod
    def for_block(cls, passphrase: str, block: Any) -> Sealer:
        """A Sealer that reuses an existing file's salt and cost, so opening and saving share one key."""
        salt, n, r, p, _ = _parse_block(block)
        return cls(passphrase=passphrase, salt=salt, n=n, r=r, p=p)


def _parse_block(block: Any) -> tuple[bytes, int, int, int, bytes]:
    if not isinstance(block, dict) or block.get("kdf") != KDF:
        raise CryptoError("its encrypted part is not in a form this version understands")
    try:
        salt = base64.b64decode(str(block["salt"]), validate=True)
        n, r, p = int(block["n"]), int(block["r"]), int(block["p"])
        token = str(block["token"]).encode("ascii")
    except (KeyError, ValueError, TypeError, UnicodeEncodeError):
        raise CryptoError("its encrypted part is damaged") from None
    if (n, r, p) not in ACCEPTED_KDF_PARAMS:
        raise CryptoError(
            f"its encrypted part asks for key derivation settings this version does not use "
            f"(scrypt n={n}, r={r}, p={p}; this version writes n={SCRYPT_N}, r={SCRYPT_R}, "
            f"p={SCRYPT_P}), so it is refused rather than tried"
        )
    if len(salt) != SALT_BYTES:
        raise CryptoError("its encrypted part is damaged (a salt of the wrong length)")
    return salt, n, r, p, token
