"""A batch is written without savepoints; a valid event that still fails to project (here a
trigger refuses one subject's contact) spoils its transaction, and the batch is applied again
one event per savepoint: the others land, the failing one is a dead letter, and the positions
move past all of them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import asyncpg
import pytest
from coordination.domain.deadletters import DeadLetter
from coordination.domain.records import Record
from coordination.projection import apply_batch, in_transaction
from coordination.store.schema import positions, q

from samverkan_common.db import Connection
from tests.integration.coordination import factories as f
from tests.integration.coordination.conftest import scratch_view

pytestmark = pytest.mark.integration


@dataclass
class KeptLetters:
    letters: list[DeadLetter] = field(default_factory=list)

    async def send(self, conn: Connection, letters: Sequence[DeadLetter]) -> None:
        del conn
        self.letters.extend(letters)


@pytest.fixture
async def conn_and_view() -> AsyncIterator[tuple[asyncpg.Connection, str]]:
    async with scratch_view() as pair:
        yield pair


def contacts(*who: str) -> list[Record]:
    records = []
    for offset, subject in enumerate(who):
        topic, kafka = f.record(f.event(f.contact(subject, datetime.now(UTC)), "kista"))
        records.append(Record(topic, 0, offset, None, kafka.key, kafka.value, kafka.headers))
    return records


async def test_one_poison_event_is_dead_lettered_and_the_rest_of_its_batch_applied(
    conn_and_view: tuple[asyncpg.Connection, str],
) -> None:
    conn, schema = conn_and_view
    poison = f.subject()
    await conn.execute(
        q(
            "CREATE FUNCTION {s}.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF NEW.subject_ref = '{poison}' THEN RAISE EXCEPTION 'refused'; END IF; "
            "RETURN NEW; END $$; "
            "CREATE TRIGGER refuse BEFORE INSERT ON {s}.contacts "
            "FOR EACH ROW EXECUTE FUNCTION {s}.refuse()",
            schema,
        )
    )
    first, second = f.subject(), f.subject()
    records = contacts(first, poison, second)
    sink = KeptLetters()
    tries: list[bool] = []

    async def work(*, careful: bool) -> int:
        tries.append(careful)
        return (await apply_batch(conn, schema, records, sink, careful=careful)).applied

    applied = await in_transaction(conn, work)

    assert tries == [False, True]
    assert applied == 2
    assert [letter.record.offset for letter in sink.letters] == [1]
    assert "refused" in sink.letters[0].error_message
    rows = await conn.fetch(q("SELECT subject_ref FROM {s}.contacts", schema))
    assert sorted(r["subject_ref"] for r in rows) == sorted([first, second])
    assert (await positions(conn, schema))[(records[0].topic, 0)] == 3


async def test_a_sound_batch_is_applied_in_one_go(
    conn_and_view: tuple[asyncpg.Connection, str],
) -> None:
    conn, schema = conn_and_view
    records = contacts(f.subject(), f.subject())
    tries: list[bool] = []

    async def work(*, careful: bool) -> int:
        tries.append(careful)
        return (await apply_batch(conn, schema, records, KeptLetters(), careful=careful)).applied

    assert await in_transaction(conn, work) == 2
    assert tries == [False]
