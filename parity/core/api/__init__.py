"""The API kit every app's ``api`` module builds on: pagination, scoped fields, the
``?on=`` and ``?area=`` parameters, and one error shape (``errors``)."""
