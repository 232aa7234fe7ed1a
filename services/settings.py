"""The one settings class, read once at the edge (the CLI), frozen, and passed down; values derived from it are computed here."""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DeliveryMode = Literal["exactly-once", "at-least-once"]

MESSAGE_HEADROOM = 1.5


class Settings(BaseSettings):
    """Every knob of newsflow; environment variables carry the `NEWSFLOW_` prefix."""

    # `none` in a variable means None, so a path setting can be switched off from the environment.
    # Frozen: what was read is what every part of the process sees; a variant for one command is made below, by name.
    model_config = SettingsConfigDict(env_prefix="NEWSFLOW_", extra="ignore", env_parse_none_str="none", frozen=True)

    kafka_bootstrap_servers: str | None = Field(
        default=None,
        validation_alias="KAFKA_BOOTSTRAP_SERVERS",
        description="Kafka bootstrap servers. Unset: `run` exits unless --local-broker; other commands start the local broker.",
    )
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        default="PLAINTEXT", description="Security protocol towards the brokers."
    )
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = Field(
        default=None, description="SASL mechanism, when the protocol is SASL_*."
    )
    kafka_sasl_username: str | None = Field(default=None, description="SASL user name.")
    kafka_sasl_password: SecretStr | None = Field(default=None, description="SASL password (secret).")
    kafka_sasl_password_file: Path | None = Field(
        default=None, description="File holding the SASL password (a mounted Docker or Kubernetes secret), when the password is unset."
    )
    kafka_ssl_cafile: Path | None = Field(
        default=None, description="PEM file of the CA(s) that signed the brokers' certificates; unset: the system's trusted CAs."
    )
    kafka_ssl_certfile: Path | None = Field(default=None, description="PEM client certificate (chain), when the brokers ask for one.")
    kafka_ssl_keyfile: Path | None = Field(default=None, description="PEM private key of the client certificate.")
    kafka_ssl_key_password: SecretStr | None = Field(default=None, description="Password of an encrypted client key (secret).")
    kafka_ssl_check_hostname: bool = Field(
        default=True, description="Check that a broker's certificate names the host connected to; switch off only for a test broker."
    )
    local_kafka_port: int = Field(default=9092, description="Port of the local broker started when none is configured.")

    topic_prefix: str = Field(default="", description="Prefix put before every topic name.")
    topic_partitions: int = Field(default=3, ge=1, description="Partitions per topic made by `topics create`.")
    topic_retention_ms: int = Field(default=7 * 24 * 3600 * 1000, description="Retention of the topics made by `topics create`.")
    topic_replication_factor: int = Field(default=1, ge=1, description="Replicas per topic made by `topics create`.")
    group_prefix: str = Field(default="newsflow", description="Consumer groups are `<group_prefix>.<stage>`.")

    batch_max_records: int = Field(default=256, ge=1, description="Largest batch one stage handles at once.")
    batch_timeout_ms: int = Field(default=100, ge=1, description="How long a consumer waits to fill a batch.")
    max_payload_bytes: int = Field(default=5 * 1024 * 1024, ge=1, description="Raw events larger than this go to the DLQ.")
    delivery: DeliveryMode = Field(
        default="exactly-once", description="exactly-once (Kafka transactions) or at-least-once (faster; a crash may repeat a batch)."
    )
    instance_id: str = Field(
        default_factory=socket.gethostname,
        description="Stable name of this instance; with exactly-once it makes the transactional id, so keep it across restarts.",
    )
    fetch_max_bytes: int = Field(default=64 * 1024 * 1024, ge=1024, description="Most bytes one consumer fetch may hold in memory.")
    retry_backoff_s: float = Field(
        default=1.0, ge=0, description="Pause before a failed batch is taken again; it doubles while the batch keeps failing."
    )
    retry_backoff_max_s: float = Field(default=30.0, ge=0, description="Longest pause between attempts of a failing batch.")
    stuck_after_attempts: int = Field(
        default=5, ge=1, description="Failed attempts of a batch, its offset not moving, before /readyz says the partition is stuck."
    )
    broker_wait_s: float = Field(default=120.0, ge=0, description="How long `run` waits for a broker at start-up before it gives up.")
    transaction_timeout_ms: int = Field(
        default=60_000, ge=1000, description="Kafka transaction timeout: an unfinished transaction is aborted by the broker after this."
    )
    stage_attempts: int = Field(default=3, ge=1, description="Tries of a record whose stage raises, before it is dead-lettered.")
    require_raw_key: bool = Field(default=False, description="Dead-letter raw events with a null or empty key (`missing_key`).")

    lag_interval_s: float = Field(default=15.0, gt=0, description="How often consumer lag is read from the broker, in seconds.")
    http_host: str = Field(default="0.0.0.0", description="Address of the /metrics, /healthz and /readyz server.")  # noqa: S104 - a service listens on all interfaces in its container
    http_port: int = Field(default=8000, description="Port of the /metrics, /healthz and /readyz server.")

    dedup_state_path: Path | None = Field(
        default=Path(".state/dedup"),
        description="File the in-process dedup state is persisted to, so it survives a restart; `none` keeps it in memory only.",
    )
    redis_url: SecretStr | None = Field(
        default=None,
        description="Redis shared by dedup instances (redis://[:password@]host:port/db); a secret. Unset: in-process state.",
    )
    redis_url_file: Path | None = Field(
        default=None, description="File holding the Redis URL (a mounted secret: it carries the password), when the URL is unset."
    )
    dedup_window: timedelta = Field(default=timedelta(days=7), description="How long fingerprints are remembered (ISO 8601 or seconds).")
    dedup_grace: timedelta = Field(
        default=timedelta(0),
        ge=timedelta(0),
        description="How long a dedup verdict waits for an earlier copy of the story (ISO 8601 or seconds); 0 decides on arrival.",
    )
    tag_workers: int = Field(
        default=0, ge=0, description="Tagger worker processes, each with its own model; 0 tags in the stage process (one core)."
    )
    tag_languages: Annotated[list[str], NoDecode] = Field(
        default=["en", "fr"],
        description="Languages the tagger loads a model for (comma-separated ISO 639-1); articles in others are passed on as skipped.",
    )

    log_format: Literal["auto", "json", "console"] = Field(default="auto", description="JSON when not on a TTY.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(default="info", description="Lowest level logged.")
    log_coalesce_s: float = Field(
        default=30.0, ge=0, description="Repeats of one library log message within this many seconds become one line with a count."
    )

    @field_validator("tag_languages", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip().lower() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="before")
    @classmethod
    def _secrets_from_files(cls, values: object) -> object:
        """A secret given as a file (how Docker and Kubernetes mount secrets) is read once, here, like any other setting."""
        if not isinstance(values, dict):
            return values
        for secret, file_setting in (("kafka_sasl_password", "kafka_sasl_password_file"), ("redis_url", "redis_url_file")):
            path = values.get(file_setting)
            if path is not None and str(path).lower() != "none" and values.get(secret) is None:
                try:
                    values = {**values, secret: Path(path).read_text(encoding="utf-8").strip()}
                except OSError as error:
                    raise ValueError(f"{file_setting}: cannot read {path}: {error.strerror}") from error
        return values

    # --- derived values: computed here only -------------------------------------------------------

    @property
    def max_message_bytes(self) -> int:
        """Largest message newsflow publishes; topics, producers and fetches are sized for it.

        A dead letter carries its original base64-encoded, so messages may be a third larger than accepted payloads.
        """
        return int(self.max_payload_bytes * MESSAGE_HEADROOM) + 64 * 1024

    # --- the variants some commands run with ------------------------------------------------------

    def for_offline_run(self) -> Settings:
        """`process` and `demo`: dedup starts from empty state unless a state path was set, so the same input gives the same output."""
        if "dedup_state_path" in self.model_fields_set:
            return self
        return self.model_copy(update={"dedup_state_path": None})

    def for_demo(self, run_name: str) -> Settings:
        """The demo on topics and consumer groups of its own (unless configured), from empty dedup state."""
        update = {
            "topic_prefix": self.topic_prefix or f"{run_name}.",
            "group_prefix": self.group_prefix if "group_prefix" in self.model_fields_set else run_name,
        }
        return self.for_offline_run().model_copy(update=update)

    def for_replay(self, dedup_state_path: Path | None, *, fresh: bool) -> Settings:
        """A replay's dedup: the live decisions (the service's state file, read only, or its Redis) unless `fresh`;
        fresh decisions start from the state file given (None: empty), never the running service's."""
        if not fresh:
            return self
        return self.model_copy(update={"dedup_state_path": dedup_state_path, "redis_url": None})

    def for_secured_broker(self, bootstrap: str, user: str, password: str, ca_file: Path) -> Settings:
        """The same settings towards a SASL_SSL broker (SCRAM-SHA-512, its own CA), connecting as `user`."""
        return self.model_copy(
            update={
                "kafka_bootstrap_servers": bootstrap,
                "kafka_security_protocol": "SASL_SSL",
                "kafka_sasl_mechanism": "SCRAM-SHA-512",
                "kafka_sasl_username": user,
                "kafka_sasl_password": SecretStr(password),
                "kafka_ssl_cafile": ca_file,
            }
        )

    def for_compute_bench(self) -> Settings:
        """The stage function alone: fresh in-memory dedup state and the tagger in this process."""
        return self.model_copy(update={"dedup_state_path": None, "redis_url": None, "tag_workers": 0})
