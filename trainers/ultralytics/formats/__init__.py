"""Every module in this folder is a format: importing the package registers them all in trainers.common.registry.
Adding a format is adding one file that calls `register(FormatSpec(...))`."""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
