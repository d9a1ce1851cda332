"""The claims the test provider adds: each person's e-mail and NIP, from the environment."""

import json
import os

from oauth2_provider.oauth2_validators import OAuth2Validator

CLAIMS = json.loads(os.environ.get("OIDC_TEST_CLAIMS", "{}"))


class ClaimsValidator(OAuth2Validator):
    """Adds each person's e-mail and NIP, as an instansi's identity provider would."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "nip": "profile"}

    def get_additional_claims(self, request):
        person = CLAIMS.get(request.user.username, {})
        return {
            "email": person.get("email", ""),
            "email_verified": True,
            "nip": person.get("nip", ""),
            "name": person.get("name", request.user.username),
        }
