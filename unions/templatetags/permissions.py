"""`{% load permissions %}{% may "records.return_visitrecord" user record as can_return %}`:
the declared rules in a template, as `unions.permissions.may` answers them in the code."""

from django import template

from unions.permissions import may as _may

register = template.Library()


@register.simple_tag
def may(perm, user, obj=None) -> bool:
    return _may(user, perm, obj)
