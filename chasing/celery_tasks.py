"""Celery in production: beat schedules `tasks.tick` every minute (see the migration
0003_tick_schedule); any number of workers may run it, since the tick is safe to race.

The task keeps the name "tasks.tick" it had before it moved to chasing/: beat's schedule in the
database names it so."""

from celery import shared_task

from .tick import run_tick


# Expire a queued tick after 55 s: if workers fall behind, the next tick does the same work,
# so there is no point running a pile of stale ones.
@shared_task(name="tasks.tick", ignore_result=True, expires=55)
def tick() -> list[str]:
    return [str(result) for result in run_tick()]
