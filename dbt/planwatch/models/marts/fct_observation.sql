{#- One row per published value per release: every vintage kept, canonical units, flags kept. -#}
with converted as (
    select * from {{ ref('int_observations_converted') }}
),

latest_release as (
    select max(published_by) as latest_published_by from converted
),

dated as (
    select
        converted.*,
        coalesce(converted.published_by, latest_release.latest_published_by) as known_on
    from converted
    cross join latest_release
),

observations as (
    select
        dated.*,
        -- the vintage the marts use today for this indicator, region and period
        row_number() over (
            partition by
                dated.indicator_id, dated.region_code, dated.period_start_year, dated.period_year,
                dated.period_end_month
            order by {{ vintage_order('dated.') }}
        ) = 1 as is_current_vintage
    from dated
),

final as (
    select
        cast(indicator_id as {{ dbt.type_string() }}) as indicator_id,
        cast(region_code as {{ dbt.type_string() }}) as region_code,
        cast(period_year as integer) as period_year,
        cast(period_months as integer) as period_months,
        cast(value as double) as value,
        cast(unit as {{ dbt.type_string() }}) as unit,
        cast(release_id as {{ dbt.type_string() }}) as release_id,
        cast(published_on as date) as published_on,
        cast(flags as {{ dbt.type_string() }}) as flags,
        cast(observation_id as {{ dbt.type_string() }}) as observation_id,
        cast(period_start_year as integer) as period_start_year,
        cast(period_end_month as integer) as period_end_month,
        cast(published_on_precision as {{ dbt.type_string() }}) as published_on_precision,
        cast(published_by as date) as published_by,
        cast(source_tier as integer) as source_tier,
        cast(qualifier as {{ dbt.type_string() }}) as qualifier,
        is_current_vintage,
        cast(release_status as {{ dbt.type_string() }}) as release_status,
        is_provisional,
        is_partial_period,
        is_estimated,
        is_derived,
        is_check,
        is_discontinued,
        is_concept_mismatch,
        is_multi_year_total,
        cast(value_as_published as double) as value_as_published,
        cast(unit_as_published as {{ dbt.type_string() }}) as unit_as_published,
        cast(value_as_printed as {{ dbt.type_string() }}) as value_as_printed,
        cast(region_label as {{ dbt.type_string() }}) as region_label,
        cast(indicator_label as {{ dbt.type_string() }}) as indicator_label,
        cast(note as {{ dbt.type_string() }}) as note,
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(source_line as integer) as source_line
    from observations
)

select * from final
