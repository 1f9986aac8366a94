def register_metrics_endpoint(app):
    """Exposes /metrics in Prometheus text format."""
    app.add_route("/metrics", lambda request: "# TYPE app_up gauge\napp_up 1\n")
