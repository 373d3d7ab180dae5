"""Prometheus metrics for one app: its own registry, never the global one.

Under ``moderation serve`` several worker processes answer requests, each with
its own counters; a scrape reaches one of them.  So the server runs
prometheus_client's multiprocess mode: ``prepare_multiprocess`` (in the master,
before any worker starts, see ``metrics_dir``) points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh
directory where every worker keeps its values, and ``/metrics`` sums them over
all workers, exited ones included, so counters never run backwards.  Gauges
read from the database (comments, webhook events) are read at scrape time.
"""

import os
import time

from flask import Response, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from moderation.web.metrics_dir import MULTIPROC_ENV

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)


class Metrics:
    def __init__(self, records_counter):
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "moderation_http_requests",
            "HTTP requests handled",
            ["method", "endpoint", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "moderation_http_request_duration_seconds",
            "Time to answer a request",
            ["endpoint"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.analysis = Histogram(
            "moderation_analysis_duration_seconds",
            "Time to analyse one batch of comments",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.plugin_errors = Counter(
            "moderation_plugin_errors",
            "Plugin failures (the comment went to a human)",
            ["plugin"],
            registry=self.registry,
        )
        self.scraped = []  # collectors read at scrape time
        self.add_collector(_StoredComments(records_counter))

    def add_collector(self, collector):
        self.scraped.append(collector)
        self.registry.register(collector)

    def render(self) -> Response:
        registry = self.registry
        if os.environ.get(MULTIPROC_ENV):
            from prometheus_client import multiprocess

            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            for collector in self.scraped:
                registry.register(collector)
        return Response(generate_latest(registry), mimetype="text/plain; version=0.0.4")


class _StoredComments:
    """Comments in the database by status and stance, read at scrape time (right across workers)."""

    def __init__(self, count):
        self.count = count

    def describe(self):
        return []

    def collect(self):
        family = GaugeMetricFamily(
            "moderation_comments", "Stored comments by status and stance label", labels=["status", "stance"]
        )
        for status, stance, n in self.count():
            family.add_metric([status, stance or "none"], n)
        yield family


class StateGauge:
    """A gauge with one label, read from the database at scrape time (e.g. webhook events by state)."""

    def __init__(self, name, documentation, label, count):
        self.name, self.documentation, self.label, self.count = name, documentation, label, count

    def describe(self):
        return []

    def collect(self):
        family = GaugeMetricFamily(self.name, self.documentation, labels=[self.label])
        for value, n in self.count().items():
            family.add_metric([value], n)
        yield family


def init_app(app, metrics: Metrics):
    @app.before_request
    def _start():
        g._started = time.perf_counter()

    @app.after_request
    def _record(response):
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        metrics.requests.labels(request.method, endpoint, str(response.status_code)).inc()
        metrics.latency.labels(endpoint).observe(time.perf_counter() - g.get("_started", time.perf_counter()))
        return response
