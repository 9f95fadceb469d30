"""pingan 平安 — the application package: settings, CLI and the pipeline that wires the stages.

Only this package knows every stage (geo, fusion, scoring, dashboards, synth); the stages
never import it.
"""

__version__ = "0.1.0"
