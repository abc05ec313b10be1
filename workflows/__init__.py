"""Engine layer: SpiffWorkflow specs, instances, timers and scripts — no Flask, no database."""
