"""cenlab: a training environment for customs enforcement data work (synthetic data only)."""

__version__ = "0.1.0"
