"""``flask codes …``: issue, rotate and revoke codes; generate a region's posters."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from ..core.errors import ApiError, DomainError


def _fail(exc: ApiError):
    click.echo(f"失败：{exc.message}", err=True)
    sys.exit(1)


def register(app) -> None:
    codes = AppGroup("codes", help="站码与代表码、海报批量生成")

    @codes.command("ensure")
    def ensure():
        """Give every active station and deputy without a code one."""
        from .operations import ensure_codes

        click.echo(f"新发放 {ensure_codes(commit=True)} 个码")

    @codes.command("rotate")
    @click.argument("token")
    def rotate(token):
        """Replace a code (old posters then say "please scan the new poster")."""
        from .operations import rotate_code
        from .resolve import find_code

        try:
            new = rotate_code(find_code(token).id)
        except DomainError as exc:
            _fail(exc)
        click.echo(f"已更换：{token} → {new.token}（请重新印制海报）")

    @codes.command("revoke")
    @click.argument("token")
    def revoke(token):
        """Withdraw a code for good (e.g. a deputy left office)."""
        from .operations import revoke_code
        from .resolve import find_code

        try:
            revoke_code(find_code(token).id)
        except DomainError as exc:
            _fail(exc)
        click.echo(f"已停用：{token}")

    @codes.command("issue")
    @click.argument("kind", type=click.Choice(["station", "deputy"]))
    @click.argument("target_id", type=int)
    def issue(kind, target_id):
        """Give a station or deputy a new code on purpose (e.g. after a revocation)."""
        from .operations import issue_code

        try:
            code = issue_code(kind, target_id)
        except DomainError as exc:
            _fail(exc)
        click.echo(f"已发放：{code.token}")

    @codes.command("generate")
    @click.option("--region", "region_id", type=int, required=True, help="区域 id（含全部下级区域）")
    @click.option("--format", "fmt", type=click.Choice(["pdf", "png"]), default="pdf", show_default=True)
    @click.option("--sync", is_flag=True, help="在当前进程生成并显示进度条（不经过队列）")
    def generate(region_id, fmt, sync):
        """Posters, QR images and deputy cards of a region, plus a ZIP (resumable)."""
        from .batches import open_batch, start_batch

        try:
            batch = open_batch(region_id, fmt) if sync else start_batch(region_id, fmt)
        except DomainError as exc:
            _fail(exc)
        if not sync:
            click.echo(f"已加入队列：批次 #{batch.id}。查看进度：flask codes status {batch.id}")
            return
        _run_with_progress(batch.id)

    @codes.command("status")
    @click.argument("batch_id", type=int)
    def status(batch_id):
        """Show a batch's progress."""
        from .batches import batch_json, get_batch

        try:
            data = batch_json(get_batch(batch_id))
        except DomainError as exc:
            _fail(exc)
        click.echo(f"批次 #{data['id']} {data['region_name']}：{data['status_label']} "
                   f"{data['done']}/{data['total']}" + (f"  {data['error']}" if data["error"] else ""))

    @codes.command("zip")
    @click.argument("batch_id", type=int)
    @click.argument("out", type=click.Path(dir_okay=False, writable=True))
    def zip_out(batch_id, out):
        """Copy a finished batch's ZIP out of the file store into the file OUT."""
        import shutil

        from ..core.storage import get_storage
        from .batches import get_batch

        try:
            batch = get_batch(batch_id)
        except DomainError as exc:
            _fail(exc)
        storage = get_storage()
        if batch.status != "finished" or not batch.zip_key or not storage.exists(batch.zip_key):
            click.echo(f"失败：批次 #{batch_id} 尚未完成，没有 ZIP", err=True)
            sys.exit(1)
        with storage.open(batch.zip_key) as src, open(out, "wb") as dest:
            shutil.copyfileobj(src, dest, 1024 * 1024)
        click.echo(f"已保存：{out}")

    app.cli.add_command(codes)


def _run_with_progress(batch_id: int) -> None:
    from .jobs import generate_region

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=max(total, 1), label="生成海报", show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        result = generate_region(batch_id, progress=progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    if result == "busy":
        click.echo("该区域正在另一个进程中生成，请稍后用 flask codes status 查看进度", err=True)
        sys.exit(2)
    from .batches import batch_json, get_batch

    data = batch_json(get_batch(batch_id))
    click.echo(f"完成：批次 #{batch_id}，共 {data['total']} 个文件，ZIP 已生成"
               f"（取出：flask codes zip {batch_id} 文件名.zip）")
