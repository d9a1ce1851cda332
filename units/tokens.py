"""The invitation link's token: Django's password-reset token machinery, with its own salt
and lifetime.

Like a password-reset token, it is signed with SECRET_KEY over the person's
password hash, last sign-in and active flag, so it works once (setting the
password changes the hash) and dies when the account is deactivated; it
expires after ZI_INVITATION_DAYS.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "units.tokens.InvitationTokenGenerator"

    def _make_hash_value(self, user, timestamp: int) -> str:
        return f"{super()._make_hash_value(user, timestamp)}{int(user.is_active)}"

    def check_token(self, user, token) -> bool:
        """Valid, unused and younger than ZI_INVITATION_DAYS (not PASSWORD_RESET_TIMEOUT)."""
        if not (user and token):
            return False
        try:
            timestamp_b36, _hash = token.split("-")
            timestamp = base36_to_int(timestamp_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - timestamp
        return age <= settings.ZI_INVITATION_DAYS * 24 * 60 * 60


invitation_token = InvitationTokenGenerator()
