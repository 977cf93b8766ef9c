from django.db import models


class Heartbeat(models.Model):
    """The last time something that runs in the background showed it was alive.

    `worker:<host>` rows are written by each Celery worker (or the embedded server's job thread)
    every HEARTBEAT_SECONDS; the `tick` row when the periodic jobs last finished. /healthz reads
    them.
    """

    name = models.CharField(max_length=200, primary_key=True)
    at = models.DateTimeField()
    detail = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
