from django.core.management.base import BaseCommand, CommandError

from payments.ledger import verify_and_record


class Command(BaseCommand):
    help = "Recompute the ledger's hash chain and name the first broken row."

    def handle(self, *args, **options):
        check = verify_and_record()
        if not check.ok:
            raise CommandError(f"Ledger broken at row #{check.first_broken_seq}: {check.detail}")
        self.stdout.write(f"Ledger OK: {check.entries_checked} rows verified.")
