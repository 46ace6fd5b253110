"""The credentials layer: where each provider's credential comes from, whether it can work, and its secrets.

Pure functions over an ``Environment`` (files read, nothing imported); network only in the ``*_online`` and
``verify`` modules, which the checks call with ``--online`` alone. ``secrets.collect`` feeds the redactor.
"""
