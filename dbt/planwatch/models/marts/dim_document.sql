{#- One row per plan document under sources/documents/: whether it was read, why not, and how
    many targets the extractor found in it. -#}
with documents as (
    select * from {{ ref('stg_documents__documents') }}
),

final as (
    select
        cast(plan_id as {{ dbt.type_string() }}) as plan_id,
        cast(source_file as {{ dbt.type_string() }}) as source_file,
        cast(format as {{ dbt.type_string() }}) as format,
        cast(encoding as {{ dbt.type_string() }}) as encoding,
        cast(sha256 as {{ dbt.type_string() }}) as sha256,
        cast(characters as integer) as characters,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(error_cause as {{ dbt.type_string() }}) as error_cause,
        cast(what_to_do as {{ dbt.type_string() }}) as what_to_do,
        cast(n_targets as integer) as n_targets_extracted,
        cast(n_past_plan_targets as integer) as n_past_plan_targets_extracted,
        cast(n_reported_figures as integer) as n_reported_figures
    from documents
)

select * from final
