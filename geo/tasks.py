from celery import shared_task

from geo.online import purge_geocode_cache


@shared_task
def purge_geocode_cache_task() -> int:
    """Drop online-geocoder answers older than GEOCODER_CACHE_DAYS (schedule daily)."""
    return purge_geocode_cache()
