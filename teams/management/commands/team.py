from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from teams.services import team_add


class Command(BaseCommand):
    help = "Teams for scripts: `team add TEAM USERNAME [--admin]` puts a person in a team, making the team if needed."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="Put a person in a team (made if it does not exist).")
        add.add_argument("team", help="The team's name.")
        add.add_argument("username")
        add.add_argument("--admin", action="store_true", help="Make them an admin of the team.")

    def handle(self, *args, action, team, username, admin, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(
                f"There is no account named {username!r}; create it first (manage.py createsuperuser)."
            ) from None
        team_obj, membership = team_add(team_name=team, user=user, admin=admin)
        self.stdout.write(f"{user.username} is {membership.get_role_display().lower()} of team {team_obj.name}.")
