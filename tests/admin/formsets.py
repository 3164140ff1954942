"""The admin's inline formsets as a browser posts them."""


def management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def application_post(application, new_partners):
    """The change form as the browser posts it, with `new_partners` added as co-builders."""
    existing = list(application.co_builders.all())
    data = {
        "organization": application.organization_id,
        "program": application.program_id,
        "status": application.status,
        **management("co_builders", len(existing) + len(new_partners), len(existing)),
        **management("ticks", 0, 0),
    }
    for i, row in enumerate(existing):
        data[f"co_builders-{i}-id"] = row.pk
        data[f"co_builders-{i}-application"] = application.pk
        data[f"co_builders-{i}-organization"] = row.organization_id
    for j, partner in enumerate(new_partners, start=len(existing)):
        data[f"co_builders-{j}-application"] = application.pk
        data[f"co_builders-{j}-organization"] = partner.pk
    return data
