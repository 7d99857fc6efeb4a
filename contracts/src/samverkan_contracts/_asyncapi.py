"""The platform's AsyncAPI 3.0 document: channels are topics, messages are event types."""

from __future__ import annotations

import copy
from importlib import metadata
from typing import Any

from pydantic.json_schema import models_json_schema

from samverkan_contracts._event import CloudEvent
from samverkan_contracts._schemas import fix_constants, schema_file_name
from samverkan_contracts.registry import EVENT_TYPES, EventSpec, types_on_topic
from samverkan_contracts.topics import DEADLETTER, DLT_HEADERS, ERASURES, TOPICS, Topic

_REF = "#/components/schemas/{model}"
_KAFKA_BINDING = "0.5.0"
_HEADERS = "CloudEventKafkaHeaders"
_PUBLISHERS = {ERASURES.name: "the platform's erasure use case", DEADLETTER.name: "any consumer"}
_CONSUMERS = {DEADLETTER.name: "operators, who inspect and replay dead letters"}


def _channel_id(topic: Topic) -> str:
    return topic.name.split(".")[1]


def _headers_schema() -> dict[str, Any]:
    envelope = CloudEvent.model_json_schema(ref_template=_REF)
    properties: dict[str, Any] = {}
    for name, schema in envelope["properties"].items():
        if name == "data":
            continue
        header = "content-type" if name == "datacontenttype" else f"ce_{name}"
        clean = {k: v for k, v in schema.items() if k not in {"title", "default"}}
        properties[header] = clean
    required = [f"ce_{name}" for name in envelope["required"] if name != "data"]
    return {
        "type": "object",
        "description": "CloudEvents Kafka binding, binary mode: every attribute in a ce_ "
        "header (UTF-8), datacontenttype as content-type. Other headers (such as a "
        "transport-level traceparent) may be present.",
        "properties": properties,
        "required": required,
    }


def _message(spec: EventSpec[Any]) -> dict[str, Any]:
    constants: dict[str, Any] = {
        name: {"description": ""} for name in ("type", "programmearea", "sensitivity")
    }
    fix_constants(constants, spec)
    doc = (spec.model.__doc__ or "").strip()
    return {
        "name": spec.type,
        "title": spec.model.__name__,
        "summary": doc.split("\n\n")[0].replace("\n", " "),
        "contentType": "application/json",
        "correlationId": {"location": "$message.header#/ce_correlationid"},
        "headers": {
            "allOf": [
                {"$ref": f"#/components/schemas/{_HEADERS}"},
                {
                    "type": "object",
                    "properties": {f"ce_{k}": {"const": v["const"]} for k, v in constants.items()},
                },
            ]
        },
        "payload": {"$ref": f"#/components/schemas/{spec.model.__name__}"},
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": f"{spec.key_description} (the subject)"},
                "bindingVersion": _KAFKA_BINDING,
            }
        },
        "x-structured-json-schema": f"./schemas/{schema_file_name(spec.type)}",
    }


def _dead_letter_message() -> dict[str, Any]:
    return {
        "name": "deadletter",
        "title": "Dead letter",
        "summary": "A record a consumer gave up on: original key, value and headers, unchanged.",
        "headers": {
            "type": "object",
            "properties": {
                name: {"type": "string", "description": d} for name, d in DLT_HEADERS.items()
            },
            "required": list(DLT_HEADERS),
        },
        "payload": {"description": "The original record value, unchanged."},
    }


def _topic_binding(topic: Topic) -> dict[str, Any]:
    config: dict[str, Any] = {"cleanup.policy": topic.config["cleanup.policy"].split(",")}
    if "retention.ms" in topic.config:
        config["retention.ms"] = int(topic.config["retention.ms"])
    return {
        "kafka": {
            "topic": topic.name,
            "partitions": topic.partitions,
            "topicConfiguration": config,
            "bindingVersion": _KAFKA_BINDING,
        }
    }


def _message_ids(topic: Topic) -> list[str]:
    if topic == DEADLETTER:
        return ["deadletter"]
    return [spec.type for spec in types_on_topic(topic)]


def _operations(topic: Topic) -> dict[str, Any]:
    channel = _channel_id(topic)
    refs = [{"$ref": f"#/channels/{channel}/messages/{m}"} for m in _message_ids(topic)]
    publisher = _PUBLISHERS.get(topic.name, f"the {channel} service, through its outbox")
    consumer = _CONSUMERS.get(topic.name, "the coordination service, into the shared view")
    return {
        f"{channel}.publish": {
            "action": "send",
            "channel": {"$ref": f"#/channels/{channel}"},
            "summary": f"Published by {publisher}.",
            "messages": refs,
        },
        f"{channel}.consume": {
            "action": "receive",
            "channel": {"$ref": f"#/channels/{channel}"},
            "summary": f"Consumed by {consumer}.",
            "messages": refs,
        },
    }


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document for every topic and registered event type."""
    models = [(spec.model, "validation") for spec in EVENT_TYPES.values()]
    _, definitions = models_json_schema(models, ref_template=_REF)  # type: ignore[arg-type]
    schemas = copy.deepcopy(definitions["$defs"])
    headers = _headers_schema()
    schemas[_HEADERS] = headers
    schemas.update(CloudEvent.model_json_schema(ref_template=_REF)["$defs"])
    schemas.pop("EventData", None)
    channels = {
        _channel_id(topic): {
            "address": topic.name,
            "title": topic.name,
            "description": f"{topic.description} Key: {topic.key}.",
            "messages": {m: {"$ref": f"#/components/messages/{m}"} for m in _message_ids(topic)},
            "bindings": _topic_binding(topic),
        }
        for topic in TOPICS
    }
    messages = {spec.type: _message(spec) for spec in EVENT_TYPES.values()}
    messages["deadletter"] = _dead_letter_message()
    operations: dict[str, Any] = {}
    for topic in TOPICS:
        operations.update(_operations(topic))
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Samverkan events",
            "version": metadata.version("samverkan-contracts"),
            "description": "Every event of the Samverkan platform on Kafka: CloudEvents 1.0, "
            "binary content mode, JSON data. Generated from samverkan_contracts; do not edit.",
        },
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": dict(sorted(schemas.items()))},
    }
