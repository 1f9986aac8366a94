from server.metrics import register_metrics_endpoint
from server.routes_twilio import router as twilio_router


def create_app():
    from starlette.applications import Starlette

    app = Starlette()
    app.mount("/twilio", twilio_router)
    register_metrics_endpoint(app)
    app.add_route("/healthz", lambda request: "ok")
    return app
