import datetime

import pytest
import tablib

from tracker.interchange.resources import (
    ApplicationResource,
    OrganizationResource,
    ProgramResource,
    SectorResource,
)
from tracker.models import Application, Organization, Program, Sector
from tracker.validators import credit_code_check_character

D = datetime.date
VALID_CODE = "91450200198230853" + credit_code_check_character("91450200198230853")


def reload(dataset, fmt):
    """The dataset as it comes back from a file written in `fmt`."""
    return tablib.Dataset().load(dataset.export(fmt), format=fmt)


def program_row(**changes):
    row = ProgramResource().export(Program.objects.filter(slug="guangxi-pilot-base-2025")).dict[0]
    return {**row, **changes}


def dataset_of(rows):
    data = tablib.Dataset(headers=list(rows[0]))
    for row in rows:
        data.append([row[h] for h in data.headers])
    return data


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_programs_round_trip_through_a_file(pilot_base, fmt):
    exported = ProgramResource().export()
    pilot_base.max_co_builders = 2
    pilot_base.deadline = D(2025, 5, 1)
    pilot_base.save()
    pilot_base.program_sectors.filter(position__gt=3).delete()
    pilot_base.regions.clear()

    result = ProgramResource().import_data(reload(exported, fmt))

    assert not result.has_errors() and not result.has_validation_errors()
    program = Program.objects.get(slug="guangxi-pilot-base-2025")
    assert program.max_co_builders == 5
    assert program.deadline == D(2025, 4, 20)
    assert len(program.sectors_in_order()) == 15
    assert [r.code for r in program.regions.all()] == ["450000"]
    assert ProgramResource().export().dict == exported.dict


def test_the_file_names_related_rows_by_natural_key_not_by_id(pilot_base):
    row = ProgramResource().export().dict[0]
    assert row["authority"] == "广西壮族自治区科学技术厅"
    assert row["priority_sectors"].split("|")[:2] == ["artificial-intelligence",
                                                       "electronic-information"]
    assert "id" not in row


def test_a_new_program_imports_with_its_sectors_in_file_order(pilot_base):
    row = program_row(slug="copy-2025", priority_sectors="new-energy|aerospace")
    result = ProgramResource().import_data(dataset_of([row]))
    assert not result.has_validation_errors(), result.invalid_rows
    copy = Program.objects.get(slug="copy-2025")
    assert [s.code for s in copy.sectors_in_order()] == ["new-energy", "aerospace"]
    assert copy.milestones.get(kind="deadline").due_on == D(2025, 4, 20)


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row_and_field(pilot_base):
    good = program_row(slug="good-2025")
    bad = program_row(slug="bad-2025", opens_on="2025-05-01", deadline="2025-04-01")
    result = ProgramResource().import_data(dataset_of([good, bad]))

    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 2
    assert list(invalid.error_dict) == ["deadline"]
    assert invalid.error.error_dict["deadline"][0].code == "deadline_before_opening"
    assert not Program.objects.filter(slug__in=["good-2025", "bad-2025"]).exists()


def test_an_unknown_authority_or_sector_is_an_error_on_its_column(pilot_base):
    row = program_row(slug="x-2025", authority="不存在的厅", priority_sectors="new-energy|nonsense")
    result = ProgramResource().import_data(dataset_of([row]))
    [invalid] = result.invalid_rows
    assert set(invalid.error_dict) == {"authority", "priority_sectors"}
    assert "nonsense" in invalid.error_dict["priority_sectors"][0]
    assert not Program.objects.filter(slug="x-2025").exists()


def organization_row(**changes):
    return {"credit_code": "", "name_zh": "某公司", "name_en": "", "kind": "enterprise",
            "region": "450200", "sectors": "", "is_demo": "0", "notes": "", **changes}


def test_a_bad_credit_code_is_a_field_error_not_a_database_error(seeded):
    rows = [organization_row(credit_code="91450200MA5KXXXXX1")]
    result = OrganizationResource().import_data(dataset_of(rows))
    [invalid] = result.invalid_rows
    assert invalid.number == 1 and "credit_code" in invalid.error_dict
    assert not result.has_errors()
    assert not Organization.objects.filter(name_zh="某公司").exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_organizations_round_trip_through_a_file(seeded, fmt):
    exported = OrganizationResource().export()
    liugang = Organization.objects.get(name_zh="柳钢集团")
    liugang.sectors.clear()
    result = OrganizationResource().import_data(reload(exported, fmt))
    assert not result.has_validation_errors() and not result.has_errors()
    assert [s.code for s in liugang.sectors.all()] == ["new-materials"]
    assert Organization.objects.count() == len(exported)
    assert OrganizationResource().export().dict == exported.dict


def test_an_organization_is_matched_by_credit_code_before_name(seeded):
    liugang = Organization.objects.get(name_zh="柳钢集团")
    liugang.credit_code = VALID_CODE
    liugang.full_clean()
    liugang.save()
    row = OrganizationResource().export(Organization.objects.filter(pk=liugang.pk)).dict[0]
    row["name_zh"] = "柳州钢铁集团"
    OrganizationResource().import_data(dataset_of([row]))
    liugang.refresh_from_db()
    assert liugang.name_zh == "柳州钢铁集团"


def test_applications_round_trip_by_organization_and_program_keys(seeded):
    exported = ApplicationResource().export()
    assert exported.dict[0]["organization"] == "柳钢集团"
    assert exported.dict[0]["program"] == "guangxi-pilot-base-2025"
    assert exported.dict[0]["co_builders"] == "北京科技大学|武汉科技大学"
    Application.objects.update(status=Application.Status.SUBMITTED)
    result = ApplicationResource().import_data(reload(exported, "xlsx"))
    assert not result.has_validation_errors() and not result.has_errors()
    assert Application.objects.get().status == Application.Status.PREPARING


def test_sectors_round_trip_and_update_by_code(seeded):
    exported = SectorResource().export()
    Sector.objects.filter(code="aerospace").update(name_en="Space")
    SectorResource().import_data(reload(exported, "csv"))
    assert Sector.objects.get(code="aerospace").name_en == "Aerospace"
