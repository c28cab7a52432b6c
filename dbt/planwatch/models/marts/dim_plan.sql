{#- Plan documents: the five seeds and the 13th Five-Year targets reported in seed 004. -#}
with plans as (
    select * from {{ ref('stg_reference__plans') }}
),

target_counts as (
    select
        plan_id,
        count(*) as n_targets
    from {{ ref('stg_plans__targets') }}
    group by plan_id
),

final as (
    select
        cast(plans.plan_id as {{ dbt.type_string() }}) as plan_id,
        cast(plans.title_zh as {{ dbt.type_string() }}) as title_zh,
        cast(plans.title_en as {{ dbt.type_string() }}) as title_en,
        cast(plans.issuer_zh as {{ dbt.type_string() }}) as issuer_zh,
        cast(plans.doc_number as {{ dbt.type_string() }}) as doc_number,
        cast(plans.published_on as date) as published_on,
        cast(plans.published_on_precision as {{ dbt.type_string() }}) as published_on_precision,
        cast(plans.period_start_year as integer) as period_start_year,
        cast(plans.period_end_year as integer) as period_end_year,
        cast(plans.region_code as {{ dbt.type_string() }}) as region_code,
        cast(plans.seed_document as {{ dbt.type_string() }}) as seed_document,
        plans.seed_document is not null as is_seed_document,
        cast(plans.reported_in_plan_id as {{ dbt.type_string() }}) as reported_in_plan_id,
        cast(coalesce(target_counts.n_targets, 0) as integer) as n_targets,
        cast(plans.notes as {{ dbt.type_string() }}) as notes,
        cast(plans.status as {{ dbt.type_string() }}) as status
    from plans
    left join target_counts on plans.plan_id = target_counts.plan_id
)

select * from final
