{#- Every target's status as known at each date a value speaking for it became known (and at
    the latest release), counting only releases published by then: when a target turned
    achieved, fell behind or was revised. previous_status shows the change.

    Incremental, by target and date. A full build (--full-refresh: make run, job
    build_warehouse) builds every row. A build that takes one release (job ingest_release)
    writes only the rows int_targets_to_assess calls for: every row of a target assessed again
    at every date; of a target assessed again at the new latest date only, the new row and the
    row that was its latest (is_latest turns false). The target's earlier rows stay as they are:
    its values did not change, so neither did its status at those dates. previous_status is
    computed over the rows kept and the rows assessed together. The post-hook then removes the
    rows whose date is no longer one of their target's assessment dates (a value withdrawn, the
    old latest date) and those of targets no plan holds any more. -#}
-- an incremental build reads these (below); a full build does not, but the order stays the same
-- depends_on: {{ ref('int_targets_to_assess') }}
-- depends_on: {{ ref('int_target_as_of_dates') }}
{{ config(
    materialized='incremental',
    incremental_strategy=('append' if target.type == 'spark' else 'delete+insert'),
    unique_key=['target_id', 'as_of_date'],
    on_schema_change='append_new_columns',
    post_hook="{{ delete_rows_no_longer_assessed(this) }}"
) }}

{#- the columns every row has, assessed in this build or kept from the last: the contract's
    (_marts.yml), but for is_latest (set by where the row comes from) and the two computed over
    all rows below -#}
{%- set carried_columns = model.columns.keys()
    | reject('in', ['is_latest', 'previous_status', 'is_status_change']) | list %}

with assessed as (
    select * from {{ ref('int_targets_assessed') }}
),

targets as (
    select * from {{ ref('int_targets_converted') }}
),

statuses as (
    select * from {{ ref('attainment_statuses') }}
),

labelled as (
    select
        assessed.as_of_date,
        assessed.target_id,
        assessed.target_key,
        targets.plan_id,
        targets.indicator_id,
        targets.region_code,
        targets.target_kind,
        targets.attribute,
        assessed.baseline_year_used as baseline_year,
        assessed.baseline_value_used as baseline_value,
        targets.target_year,
        targets.target_value,
        targets.unit,
        assessed.latest_year,
        assessed.latest_value,
        assessed.latest_release_id,
        assessed.cumulative_value,
        assessed.expected_value,
        assessed.attainment_ratio,
        assessed.pace_ratio,
        assessed.projected_value,
        assessed.required_annual_growth,
        assessed.required_annual_amount,
        assessed.status,
        case when assessed.is_achieved_early then '提前实现' else statuses.status_zh end as status_zh,
        case when assessed.is_achieved_early then 'achieved early' else statuses.status_en end as status_en,
        statuses.sort_order as status_order,
        assessed.is_provisional as provisional,
        assessed.is_partial_period as partial_period,
        assessed.is_stale as stale,
        assessed.is_discontinued as discontinued,
        assessed.is_baseline_substituted as baseline_substituted,
        assessed.is_concept_mismatch as concept_mismatch,
        -- the latest value is not exact (近/约, 超过, 不足): achievement is judged as README says
        coalesce(assessed.latest_qualifier != 'exact', false) as approximate,
        assessed.is_final,
        assessed.is_latest,
        assessed.period_elapsed_share,
        assessed.observed_annual_growth,
        assessed.latest_value_basis,
        assessed.latest_qualifier,
        assessed.latest_known_on,
        assessed.is_derived as derived,
        assessed.is_check as doubtful,
        targets.baseline_year as planned_baseline_year,
        targets.source_ref
    from assessed
    inner join targets on assessed.target_key = targets.target_key
    inner join statuses on assessed.status = statuses.status
),

assessed_rows as (
    select
        cast(as_of_date as date) as as_of_date,
        cast(target_id as {{ dbt.type_string() }}) as target_id,
        cast(plan_id as {{ dbt.type_string() }}) as plan_id,
        cast(indicator_id as {{ dbt.type_string() }}) as indicator_id,
        cast(region_code as {{ dbt.type_string() }}) as region_code,
        cast(target_kind as {{ dbt.type_string() }}) as target_kind,
        cast(attribute as {{ dbt.type_string() }}) as attribute,
        cast(baseline_year as integer) as baseline_year,
        cast(baseline_value as double) as baseline_value,
        cast(target_year as integer) as target_year,
        cast(target_value as double) as target_value,
        cast(unit as {{ dbt.type_string() }}) as unit,
        cast(latest_year as integer) as latest_year,
        cast(latest_value as double) as latest_value,
        cast(latest_release_id as {{ dbt.type_string() }}) as latest_release_id,
        cast(expected_value as double) as expected_value,
        cast(attainment_ratio as double) as attainment_ratio,
        cast(pace_ratio as double) as pace_ratio,
        cast(projected_value as double) as projected_value,
        cast(required_annual_growth as double) as required_annual_growth,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(status_zh as {{ dbt.type_string() }}) as status_zh,
        provisional,
        partial_period,
        stale,
        discontinued,
        baseline_substituted,
        concept_mismatch,
        approximate,
        cast(status_en as {{ dbt.type_string() }}) as status_en,
        cast(status_order as integer) as status_order,
        is_final,
        is_latest,
        cast(cumulative_value as double) as cumulative_value,
        cast(required_annual_amount as double) as required_annual_amount,
        cast(period_elapsed_share as double) as period_elapsed_share,
        cast(observed_annual_growth as double) as observed_annual_growth,
        cast(latest_value_basis as {{ dbt.type_string() }}) as latest_value_basis,
        cast(latest_qualifier as {{ dbt.type_string() }}) as latest_qualifier,
        cast(latest_known_on as date) as latest_known_on,
        derived,
        doubtful,
        cast(planned_baseline_year as integer) as planned_baseline_year,
        cast(source_ref as {{ dbt.type_string() }}) as source_ref,
        target_key
    from labelled
),

{% if is_incremental() %}
    to_assess as (
        select * from {{ ref('int_targets_to_assess') }}
    ),

    as_of_dates as (
        select * from {{ ref('int_target_as_of_dates') }}
    ),

    -- the earlier rows of a target assessed again at the new latest date only: unchanged (its
    -- values did not change, so neither did its status at those dates) where their date is still
    -- one of its assessment dates (the join on the dates), but for a row at the new latest date,
    -- which the assessed row replaces (the latest date moved back: a release was withdrawn).
    -- Only their keys and status: every row is read for previous_status, few are written.
    kept_rows as (
        select
            previous.target_id,
            to_assess.target_key,
            previous.as_of_date,
            previous.status,
            previous.is_latest as was_latest
        from {{ this }} as previous
        inner join to_assess on previous.target_id = to_assess.target_id
        inner join as_of_dates
            on
                to_assess.target_key = as_of_dates.target_key
                and previous.as_of_date = as_of_dates.as_of_date
        where not to_assess.reassess_all_dates and not as_of_dates.is_latest
    ),

    -- the kept row that was its target's latest, whole: written again, no longer the latest
    kept_latest_rows as (
        select
            {%- for column in carried_columns %}
                previous.{{ column }},
            {%- endfor %}
            false as is_latest,
            kept_rows.target_key
        from {{ this }} as previous
        inner join kept_rows
            on
                previous.target_id = kept_rows.target_id
                and previous.as_of_date = kept_rows.as_of_date
        where kept_rows.was_latest
    ),
{% endif %}

-- the date and status of every row of the targets assessed, kept rows included: what
-- previous_status is read from
statuses_by_date as (
    select
        target_key,
        as_of_date,
        status
    from assessed_rows
    {% if is_incremental() %}
        union all
        select
            target_key,
            as_of_date,
            status
        from kept_rows
    {% endif %}
),

status_changes as (
    select
        target_key,
        as_of_date,
        cast(
            lag(status) over (partition by target_key order by as_of_date) as {{ dbt.type_string() }}
        ) as previous_status,
        coalesce(status != lag(status) over (partition by target_key order by as_of_date), false)
            as is_status_change
    from statuses_by_date
),

-- the rows this build writes (delete+insert on target and date): every row assessed and, of a
-- target assessed at the new latest date only, the row that was its latest (no longer so).
-- Its earlier rows stay as they are; the post-hook removes rows whose date is no longer one
-- of their target's assessment dates.
written_rows as (
    select
        {%- for column in carried_columns %}
            {{ column }},
        {%- endfor %}
        is_latest,
        target_key
    from assessed_rows
    {% if is_incremental() %}
        union all
        select * from kept_latest_rows
    {% endif %}
),

final as (
    select
        {%- for column in carried_columns %}
            written_rows.{{ column }},
        {%- endfor %}
        written_rows.is_latest,
        status_changes.previous_status,
        status_changes.is_status_change
    from written_rows
    inner join status_changes
        on
            written_rows.target_key = status_changes.target_key
            and written_rows.as_of_date = status_changes.as_of_date
)

select * from final
