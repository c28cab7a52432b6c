{#- Seeds on Spark. dbt-spark's own spark__load_csv_rows binds each cell with '%s' and, in the
    session method, pastes it into the SQL as '<cell>': an empty cell becomes the string 'None'
    and a cell with a quote breaks the statement. This override (the root project's macro wins
    over the adapter's) writes each cell as a literal instead: an empty cell as null, text with
    Spark's escapes for backslash and quote. Every other adapter keeps dbt's own macro. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                ({%- for col_name in agate_table.column_names -%}
                    {%- set type = column_override.get(col_name, adapter.convert_type(agate_table, loop.index0)) -%}
                    {%- set cell = row[loop.index0] -%}
                    {%- if cell is none -%}
                        cast(null as {{ type }})
                    {%- else -%}
                        cast('{{ cell | string | replace("\\", "\\\\") | replace("'", "\\'") }}' as {{ type }})
                    {%- endif -%}
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%})
                {%- if not loop.last %},{% endif %}
            {% endfor -%}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
