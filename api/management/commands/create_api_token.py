from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.tokens import api_token_create


class Command(BaseCommand):
    help = "Make a personal API token for a person; the token is the last line printed (and is not stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for.")

    def handle(self, *args, username, name, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"There is no account named {username!r}; create it first.") from None
        _, token = api_token_create(user=user, name=name)
        self.stderr.write(f"API token {name!r} for {username}; it is shown only now:")
        self.stdout.write(token)
