"""Options several command groups share (``newsclaims ...`` and ``newsclaims report ...``)."""

from __future__ import annotations

import typer

from newsclaims import settings as S

#: the warehouse a command reads or writes; ``newsclaims sources`` has its own wording, since it
#: reads only the warehouse's state/ folder
WarehouseOpt = typer.Option(
    None,
    "--warehouse",
    "-w",
    envvar=S.ENV_WAREHOUSE,
    help="Warehouse folder (database + Parquet lake). [default: ./warehouse]",
)
