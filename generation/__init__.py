"""The generation model's rules (minimax-music), in plain Python for the app, the local service and the engine."""
