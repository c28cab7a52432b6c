{#- Each figure with the date it became known (known_on): the last day its release can have
    appeared on. A release whose date is unknown counts as known at the latest release, so it
    takes part in the current assessment but never in an earlier one.
    The assessment date is the latest release unless var attainment_as_of_date is set. -#}
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
    from observations
),

dated as (
    select
        observations.*,
        assessment_date.latest_as_of_date,
        coalesce(observations.published_by, assessment_date.latest_as_of_date) as known_on,
        observations.published_by is null as is_undated_release
    from observations
    cross join assessment_date
)

select * from dated
where known_on <= latest_as_of_date
