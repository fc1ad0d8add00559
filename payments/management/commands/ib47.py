"""`manage.py ib47 --organisation ID --year YYYY`: the IB47 list of one paying organisation."""

from django.core.management.base import BaseCommand, CommandError

from marketplace.models import Organisation
from payments.ib47 import ib47_csv


class Command(BaseCommand):
    help = "Print the IB47 list (CSV) of one paying organisation for one year."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", type=int, required=True)
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, organisation: int, year: int, **options):
        found = Organisation.objects.filter(pk=organisation).first()
        if found is None:
            raise CommandError(f"No organisation with id {organisation}.")
        if not 2000 <= year <= 2100:
            raise CommandError("Give a year between 2000 and 2100.")
        self.stdout.write(ib47_csv(found, year), ending="")
