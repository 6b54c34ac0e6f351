#!/usr/bin/env python3
# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Run the tests of the given packages (unit tests and scenario doctests,
through their load_tests) with unittest's text runner."""
import importlib
import pkgutil
import sys
import unittest


def suite(package_names):
    loader = unittest.TestLoader()
    tests = unittest.TestSuite()
    for name in package_names:
        package = importlib.import_module(name)
        for info in pkgutil.iter_modules(package.__path__):
            if info.name.startswith('test'):
                module = importlib.import_module('%s.%s' % (name, info.name))
                tests.addTests(loader.loadTestsFromModule(module))
    return tests


def main():
    runner = unittest.TextTestRunner(verbosity=2)
    result = runner.run(suite(sys.argv[1:]))
    return 0 if result.wasSuccessful() else 1


if __name__ == '__main__':
    sys.exit(main())
