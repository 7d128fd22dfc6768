from django import template

from core.money import format_rupiah

register = template.Library()


@register.filter(name="rupiah")
def rupiah(value):
    """{{ amount|rupiah }} -> "Rp 150.000"."""
    return format_rupiah(value)
