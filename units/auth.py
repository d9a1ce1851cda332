"""Sign-in by user name or by NIP, as civil servants know their NIP by heart."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from units.models import User


class UsernameOrNipBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        identifier = username.strip()
        user = User.objects.filter(Q(username=identifier) | Q(nip=identifier)).first()
        if user is None:
            # Spend the time a password check takes, so a wrong name is not faster.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
