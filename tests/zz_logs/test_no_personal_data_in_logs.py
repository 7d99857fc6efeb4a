"""No identity number and no subject reference in any log line of the test run.

Runs last (its folder sorts last): it adds a workload that pushes personal data at every
logging path we know of — an access log line with a subject reference in the URL, a refused
event holding a personnummer, a referral about a subject — and then reads every line the run
wrote: the in-process records (tests/conftest.py) and every service process's output.
"""

from __future__ import annotations

import json
import random
import re
import uuid

import httpx

from samverkan_common.logging import UUID_IN_TEXT
from samverkan_contracts.idnumbers import contains_identity_number, luhn_check_digit
from samverkan_contracts.subjects import SUBJECT_REF_PATTERN
from tests.conftest import RUN_LOG
from tests.support.db import drop_schema
from tests.support.events import STRUCTURED, sample
from tests.support.processes import PROCESS_LOGS, service_process
from tests.support.tokens import org_token, person_token

SUBJECT = re.compile(SUBJECT_REF_PATTERN.removeprefix("^").removesuffix("$"))


def personnummer() -> str:
    rng = random.SystemRandom()
    year, month, day = rng.randint(40, 99), rng.randint(1, 12), rng.randint(1, 28)
    body = f"{year:02d}{month:02d}{day:02d}{rng.randint(0, 999):03d}"
    return f"{body[:6]}-{body[6:]}{luhn_check_digit(body)}"


async def workload() -> None:
    schema = f"logs_{uuid.uuid4().hex[:12]}"
    referral = sample("se.stockholm.samverkan.treatment.referral.sent.v1")
    referral["district"] = "kungsholmen"
    data = referral["data"]
    data["referral_id"] = referral["subject"] = str(uuid.uuid4())
    data |= {"from_organisation": "kungsholmen", "to_organisation": "socialtjanst"}
    data.pop("consent_id", None)
    data["legal_basis"] = "sol-child-concern"
    leaky = json.loads(json.dumps(referral)) | {"id": str(uuid.uuid4())}
    leaky["data"] = {**leaky["data"], "reason": f"Personnummer {personnummer()} enligt journal"}
    async with httpx.AsyncClient(timeout=30) as http:
        district = {"authorization": f"Bearer {await org_token(http, 'kungsholmen')}"}
        specialist = {"authorization": f"Bearer {await person_token(http, 'anna.specialist')}"}
        with (
            service_process("treatment", database_schema=schema) as treatment,
            service_process(
                "coordination", "serve", consumer_group=f"logs-{uuid.uuid4()}"
            ) as coordination,
        ):
            await treatment.start()
            await coordination.start()
            sent = await http.post(
                f"{treatment.url}/events", json=referral, headers=STRUCTURED | district
            )
            refused = await http.post(
                f"{treatment.url}/events", json=leaky, headers=STRUCTURED | district
            )
            journey = await http.get(
                f"{coordination.url}/subjects/{data['subject_ref']}/journey",
                params={"purpose": "log scan test"},
                headers=specialist,
            )
        await drop_schema("treatment", schema)
    assert sent.status_code == 202
    assert refused.status_code == 400
    assert journey.status_code in {200, 404}


_TRACE_IDS = re.compile(r'"(?:trace_id|span_id)": "[0-9a-f]+"')


def _without_random_ids(line: str) -> str:
    """The line without UUIDs and trace ids, which the logs keep as they are
    (samverkan_common.logging): random hex, one in some thousands holds digits that read as an
    identity number."""
    return UUID_IN_TEXT.sub(" ", _TRACE_IDS.sub(" ", line))


async def test_no_identity_number_or_subject_reference_in_any_log_line() -> None:
    await workload()
    sources = [RUN_LOG, *PROCESS_LOGS]
    lines = [
        (path.name, line)
        for path in sources
        if path.exists()
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
    ]
    leaks = [
        (name, "identity number" if number else "subject reference")
        for name, line in lines
        if (number := contains_identity_number(_without_random_ids(line))) or SUBJECT.search(line)
    ]
    assert leaks == []
    # the workload's personal data did reach the logs, masked: the scan had something to find
    assert any("/journey" in line and "subj_[redacted]" in line for _, line in lines)
    assert len(lines) > 20
