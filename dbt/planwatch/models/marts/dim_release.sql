{#- Releases: one per publisher and publication, with how precisely its date is known. -#}
with releases as (
    select * from {{ ref('stg_releases__releases') }}
),

observation_counts as (
    select
        release_id,
        count(*) as n_observations,
        min(published_by) as published_by
    from {{ ref('int_observations_converted') }}
    group by release_id
),

final as (
    select
        cast(releases.release_id as {{ dbt.type_string() }}) as release_id,
        cast(releases.publisher as {{ dbt.type_string() }}) as publisher,
        cast(releases.published_on as date) as published_on,
        cast(releases.published_on_precision as {{ dbt.type_string() }}) as published_on_precision,
        cast(observation_counts.published_by as date) as published_by,
        cast(releases.published_on_basis as {{ dbt.type_string() }}) as published_on_basis,
        cast(releases.release_kind as {{ dbt.type_string() }}) as release_kind,
        cast(releases.source_tier as integer) as source_tier,
        cast(releases.release_status as {{ dbt.type_string() }}) as release_status,
        cast(releases.period_start_year as integer) as period_start_year,
        cast(releases.period_end_year as integer) as period_end_year,
        cast(releases.citation as {{ dbt.type_string() }}) as citation,
        cast(releases.url as {{ dbt.type_string() }}) as url,
        cast(coalesce(observation_counts.n_observations, 0) as integer) as n_observations
    from releases
    left join observation_counts on releases.release_id = observation_counts.release_id
)

select * from final
