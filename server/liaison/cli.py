"""``flask`` commands: demo data, import, worker, fake WeChat server.

Capabilities add their own groups through their ``cli.register(app)`` (e.g. ``flask codes
generate``), each listed in ``register_cli``.
"""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

def register_cli(app) -> None:
    demo = AppGroup("demo", help="演示数据")

    @demo.command("load")
    def demo_load():
        """Load the Changsha demo data set and demo accounts (idempotent)."""
        from .users.demo import load_demo

        counts = load_demo()
        click.echo(f"演示数据已就绪：{counts['stations']} 个联络站，{counts['deputies']} 位代表")
        # Bookable reception days from the demo plans (每月15日), this year's and next year's.
        from .core import clock
        from .reception.jobs import plan_year

        today = clock.today()
        days = sum(plan_year(year, today) for year in (today.year, today.year + 1))
        click.echo(f"已生成 {days} 个接待日" if days else "接待日已生成过")

    @demo.command("opinions")
    def demo_opinions():
        """Sample opinions in every stage of the handling chain (only into an empty database)."""
        from .demo.opinions import load_demo_opinions

        made = load_demo_opinions()
        click.echo(f"已生成 {made} 条示例意见" if made else "已有意见，未生成示例意见")
        from .demo.consultations import load_demo_consultation

        if load_demo_consultation():
            click.echo("已发布一个示例立法意见征集（岳麓区，望月湖街道各联络站）")

    @demo.command("prepare")
    @click.option("--no-data", is_flag=True, help="只建库（迁移），不载入演示数据")
    def demo_prepare(no_data):
        """Migrate the database, then load the demo data and sample opinions (scripts/run)."""
        from flask_migrate import upgrade

        upgrade()
        click.echo("数据库已是最新结构")
        if not no_data:
            demo_load.callback()
            demo_opinions.callback()

    app.cli.add_command(demo)

    importer = AppGroup("import", help="导入数据")

    @importer.command("places")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def import_places(path):
        """Import regions, stations, deputies and memberships from .xlsx/.csv."""
        from .places.importer import ImportFailed, import_file

        try:
            result = import_file(path)
        except ImportFailed as exc:
            click.echo(f"导入失败，数据库未做任何修改。共 {len(exc.errors)} 处问题：", err=True)
            for line in exc.errors:
                click.echo("  " + line, err=True)
            sys.exit(1)
        click.echo(f"导入成功：{result.rows} 行；新增区域 {result.regions}、联络站 {result.stations}、"
                   f"代表 {result.deputies}、进站关系 {result.memberships}")

    app.cli.add_command(importer)

    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="Process what is queued, then exit.")
    @click.option("--with-periodic/--no-periodic", default=True, help="Also run the periodic-job loop.")
    @click.option("--log-level", default="INFO", show_default=True,
                  type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
                  help="rq's log level; WARNING drops the three lines per finished job and keeps failures.")
    def worker(burst, with_periodic, log_level):
        """Run an rq worker (and the periodic-job loop) inside the app context."""
        # rq's SimpleWorker runs each job in this process, one after the other, rather than
        # in a process forked for it: a forked work-horse started every job with its own
        # new database connection and its statements uncompiled, and on SQLite compiled
        # them while holding the one write lock (a first registration held it ~130 ms
        # under a rush, against ~4 ms warm). A job still gets its own app context
        # (core.jobs.with_app) and rq's timeout (SIGALRM); a worker that dies loses
        # nothing (leases, intakes and the sweeps take its work up again).
        from rq import SimpleWorker as Worker

        from .core.extensions import get_queue
        from .core.jobs import start_periodic_thread

        if with_periodic and not burst:
            start_periodic_thread(current_app._get_current_object())
        queue = get_queue()
        Worker([queue], connection=queue.connection).work(burst=burst, logging_level=log_level.upper())

    backup = AppGroup("backup", help="备份与恢复")

    @backup.command("create")
    @click.argument("out_dir", type=click.Path(file_okay=False))
    def backup_create(out_dir):
        """Back up the database and the file store into a new folder inside OUT_DIR."""
        from .core.backup import BackupError, create

        try:
            folder = create(out_dir)
        except BackupError as exc:
            click.echo("备份失败：" + exc.message, err=True)
            sys.exit(1)
        click.echo(f"备份完成：{folder}")

    @backup.command("restore")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False))
    @click.option("--replace", is_flag=True, help="Replace a database that already has data.")
    def backup_restore(folder, replace):
        """Restore the database and the file store from a backup folder."""
        from .core.backup import BackupError, restore

        try:
            done = restore(folder, replace=replace)
        except BackupError as exc:
            click.echo("恢复失败：" + exc.message, err=True)
            sys.exit(1)
        click.echo(f"恢复完成：{done.tables} 张表共 {done.rows} 行，{done.files} 个文件，行数与备份清单一致")

    app.cli.add_command(backup)

    storage_group = AppGroup("storage", help="文件存储")

    @storage_group.command("init")
    def storage_init():
        """Make the file store ready: the S3 bucket (created when missing) or the local folder."""
        from .core.storage import get_storage

        storage = get_storage()
        if storage.name == "s3":
            created = storage.ensure_bucket()
            where = f"S3 桶 {storage.bucket}" + (f"（前缀 {storage.prefix}）" if storage.prefix else "")
            click.echo(f"已创建{where}" if created else f"{where} 已存在")
        else:
            click.echo(f"本地文件目录：{storage.root}")
        probe = ".storage-check"
        storage.put(probe, b"ok")
        ok = storage.get(probe) == b"ok" and storage.delete(probe)
        if not ok:
            click.echo("文件存储读写检查失败", err=True)
            sys.exit(1)
        click.echo("文件存储读写正常")

    app.cli.add_command(storage_group)

    @app.cli.command("scheduler")
    @click.option("--every", default=5.0, show_default=True, help="Seconds between looks at the periodic jobs.")
    def scheduler(every):
        """Only the periodic-job loop, in the foreground (workers then run --no-periodic).
        Two schedulers are safe: each tick is taken by one of them (a Redis lock)."""
        import signal
        import threading

        from .core.jobs import periodic_loop

        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        click.echo("定时任务调度已启动")
        periodic_loop(current_app._get_current_object(), every, stop)
        click.echo("定时任务调度已停止")

    @app.cli.command("periodic")
    def periodic():
        """Enqueue the periodic jobs that are due now (for cron-style deployments)."""
        from .core.jobs import run_periodic_once

        click.echo(", ".join(run_periodic_once()) or "nothing due")

    from . import settings_cli
    from .codes import cli as codes_cli
    from .insight import routing_cli
    from .opinions import cli as opinions_cli
    from .reception import cli as reception_cli
    from .stats import cli as stats_cli
    from .users import cli as users_cli, roles_cli

    for module in (codes_cli, opinions_cli, reception_cli, stats_cli, users_cli, roles_cli, settings_cli,
                   routing_cli):
        module.register(app)
