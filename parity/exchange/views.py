"""Pages."""

from django.http import HttpResponse


def _todo(request, **kw):
    return HttpResponse("")


request_list = request_detail = request_new = person_notices = partner_list = assessment = _todo
