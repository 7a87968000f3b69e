from bot.web.catalog import Catalog, CatalogCache, history_note


def test_structure_groups_sections_under_chapters_in_order(make_plan):
    catalog = Catalog(make_plan())
    chapters = catalog.chapters[3]
    assert [c.chapter for c in chapters] == [1, 3]
    assert [c.label for c in chapters] == ["大項目１", "大項目３"]
    first = chapters[0].sections[0]
    assert first.section.code == "1-1"
    assert [m.id for m in first.measures] == ["3-1-1-1", "3-1-1-2"]
    assert first.anchor == "s3-1-1"
    # A section the plan lists without measures still shows, empty.
    assert [v.section.code for c in catalog.chapters[2] for v in c.sections] == ["1-1", "1-4"]


def test_history_of_a_third_plan_row_is_its_predecessor(make_plan):
    catalog = Catalog(make_plan())
    measure = catalog.data.measure("3-1-1-1")
    (change,) = catalog.history(measure)
    assert change.old.id == "2-1-1-1" and change.new.id == "3-1-1-1"
    assert change.title_changed and change.summary_changed
    assert not change.departments_changed and not change.section_changed
    assert history_note(measure, (change,)) == "第２期の取組を引き継いでいます。"


def test_history_of_a_moved_second_plan_row_is_its_successor(make_plan):
    catalog = Catalog(make_plan())
    measure = catalog.data.measure("2-1-4-1")
    (change,) = catalog.history(measure)
    assert change.new.id == "3-3-1-1"
    assert change.section_changed and change.departments_changed
    assert history_note(measure, (change,)) == "第３期では別の項目に移って続いています。"


def test_new_and_ended_rows_have_no_history(make_plan):
    catalog = Catalog(make_plan())
    new = catalog.data.measure("3-1-1-2")
    ended = catalog.data.measure("2-1-1-2")
    assert catalog.history(new) == () and catalog.history(ended) == ()
    assert history_note(new, ()) == "第３期で新しく加わった取組です。"
    assert history_note(ended, ()) == "第３期には引き継がれていません（終了）。"


def test_related_measures_share_department_or_section_in_the_same_plan(make_plan):
    catalog = Catalog(make_plan())
    measure = catalog.data.measure("3-1-1-1")
    assert [(name, [m.id for m in ms]) for name, ms in catalog.same_department(measure)] == [
        ("健康支援課", ["3-1-1-2"])
    ]
    assert [m.id for m in catalog.same_section(measure)] == ["3-1-1-2"]
    lonely = catalog.data.measure("3-3-1-1")
    assert catalog.same_department(lonely) == () and catalog.same_section(lonely) == ()


def test_departments_sorted_by_kana_with_counts_per_plan(make_plan):
    catalog = Catalog(make_plan())
    rows = [(r.department.name, r.counts[3], r.counts[2]) for r in catalog.departments]
    assert rows == [
        ("各区社会援護（第一・第二）課", 1, 0),
        ("健康支援課", 2, 1),
        ("雇用推進課", 0, 1),
        ("保護課", 1, 1),
    ]
    assert set(catalog.department_measures("雇用推進課")) == {2}


def test_cache_rebuilds_only_when_the_data_version_changes(make_plan):
    cache = CatalogCache()
    first = cache.get(make_plan("aaaa"))
    assert cache.get(make_plan("aaaa")) is first
    second = cache.get(make_plan("bbbb"))
    assert second is not first and second.data.version.digest == "bbbb"
