{#- Each figure with the date it became known (known_on): the last day its release can have
    appeared on. A release whose date is unknown counts as known at the assessment date, so it
    takes part in the current assessment but never in an earlier one, and never before the
    period it reports on has ended (a 2023 figure is unknown on 2023-06-30, whatever its release).
    The assessment date is the latest release unless var attainment_as_of_date is set
    (make run AS_OF=YYYY-MM-DD).
    The assessment date reads int_observations_converted itself, not the `observations` CTE: on
    DuckDB a CTE that two others read is materialized whole, every column of every figure (the
    observation_id hash, the flags), where each reader of this view needs a few. At scale 0.1 of
    the national benchmark (3.8M figures) a count of this view took 1.57 s that way, 0.10 s this
    way, and int_target_values_gathered's query 0.87 s against 0.58 s. -#}
{%- set year_starts_on = "cast(" ~ dbt.concat(["cast(observations.period_year as " ~ dbt.type_string() ~ ")", "'-01-01'"]) ~ " as date)" -%}

with observations as (
    select * from {{ ref('int_observations_converted') }}
),

assessment_date as (
    select
        {% if var('attainment_as_of_date') %}
            cast('{{ var("attainment_as_of_date") }}' as date)
        {% else %}
            max(published_by)
        {% endif %} as latest_as_of_date
    from {{ ref('int_observations_converted') }}
),

dated as (
    select
        observations.*,
        assessment_date.latest_as_of_date,
        coalesce(
            observations.published_by,
            greatest(
                assessment_date.latest_as_of_date,
                -- the first day after the figure's reference period
                cast({{ dbt.dateadd('month', 'observations.period_end_month', year_starts_on) }} as date)
            )
        ) as known_on,
        observations.published_by is null as is_undated_release
    from observations
    cross join assessment_date
)

select * from dated
where known_on <= latest_as_of_date
