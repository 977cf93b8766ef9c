"""The REST API for directives (read-only; writes go through the pages and flows)."""

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from .models import Directive


class DirectiveSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="number_symbol", read_only=True)

    class Meta:
        model = Directive
        fields = [
            "id",
            "number",
            "doc_type",
            "issuer_name",
            "issued_on",
            "subject",
            "state",
            "committee",
            "implements_task",
        ]
        read_only_fields = fields


class DirectiveViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DirectiveSerializer
    filterset_fields = ["doc_type", "state", "year"]

    def get_queryset(self) -> QuerySet[Directive]:
        return Directive.objects.visible_to(self.request.user).order_by("-issued_on", "-id")
