from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from marketplace import demo


class Command(BaseCommand):
    help = "Create the Haaglanden demo world (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Allow seeding in production mode (demo accounts share a known password).",
        )

    def handle(self, *args, force: bool = False, **options):
        if settings.PRODUCTION and not force:
            raise CommandError(
                "Refusing to create demo accounts with a known password in "
                "production mode (use --force on a staging copy)."
            )
        from geo.loader import ensure_gazetteer
        from partners.demo import seed_partners
        from requests.demo import seed_requests

        ensure_gazetteer()
        logins = demo.seed()
        partners = seed_partners()
        requests = len(seed_requests())
        self.stdout.write(f"{partners} partner profiles and {requests} support requests.")
        from marketplace.demo_hours import seed_hours

        # After the engagements: hours go on them (it makes a few itself if there are none).
        cards, entries = seed_hours()
        self.stdout.write(f"{cards} rate card entries and {entries} time entries.")
        from payments.demo import seed_invoices
        from payments.demo_allowance import issue_last_month_statements

        # Last month's money documents, as the month-end run on the 1st would have made them.
        invoices = len(seed_invoices().issued)
        self.stdout.write(f"{invoices} invoices issued for last month.")
        statements = issue_last_month_statements()
        self.stdout.write(f"{statements} allowance statements issued for last month.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Every demo account's password is: {demo.DEMO_PASSWORD}"
            )
        )
        width = max(len(email) for email, _, _ in logins)
        for email, role, organisation in logins:
            self.stdout.write(f"  {email.ljust(width)}  {role:<18} {organisation}")
        self.stdout.write(
            "Open http://127.0.0.1:8000/ and log in, e.g. as " + demo.DEMO_COORDINATOR
        )
