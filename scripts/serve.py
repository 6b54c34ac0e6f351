#!/usr/bin/env python3
# This file is part of the egov platform.  The COPYRIGHT file at the top level
# of this repository contains the full copyright notices and license terms.
"""Serve the platform locally (trytond's own web server with sao)."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import egov_env  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', default='8000')
    parser.add_argument('--database', default='egov')
    args = parser.parse_args()
    env = egov_env.environ()
    env['TRYTOND_WEB__LISTEN'] = '%s:%s' % (args.host, args.port)
    # Load the database's modules when the server starts, not at the first
    # request: the first login then finds a ready pool (trytond 8.0 leaves
    # an empty pool behind when a request starts before it is loaded).
    env.setdefault('TRYTOND_DATABASE_NAMES', args.database)
    trytond = os.path.join(os.path.dirname(sys.executable), 'trytond')
    os.execve(trytond, [trytond, '-c', egov_env.CONFIG], env)


if __name__ == '__main__':
    main()
