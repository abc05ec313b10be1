"""The ``grantflow`` command: Flask's commands (run, shell, db …) plus grantflow's own."""
from __future__ import annotations

import os
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, get_debug_flag, run_command as flask_run_command, with_appcontext
from flask_migrate import upgrade

# Set by `grantflow run` before the app is created, in the process that serves: the dev server
# runs the worker (timers, background jobs) in-process and warms the document renderer. Other
# commands do neither (a background thread would only be cut off when a short command exits).
_scheduler_in_process = False


def _create_app():
    from . import create_app
    if _scheduler_in_process:
        return create_app({"SCHEDULER_IN_PROCESS": True})
    return create_app({"PREPARE_FONTS": False})


@click.command("run", params=flask_run_command.params, help=flask_run_command.help,
               short_help=flask_run_command.short_help)
@click.pass_context
def run_command(ctx, **options):
    """Flask's dev server, which also runs the worker (once: in the serving process)."""
    from .scheduler import should_run_in_process
    global _scheduler_in_process
    use_reloader = options.get("reload")
    if use_reloader is None:
        use_reloader = get_debug_flag()
    _scheduler_in_process = should_run_in_process(use_reloader=use_reloader, environ=os.environ)
    ctx.invoke(flask_run_command, **options)


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create or upgrade the database schema (Alembic) and deploy the BPMN models."""
    upgrade_and_deploy()
    click.echo("数据库已就绪，流程模型已部署。")


def upgrade_and_deploy():
    from .services.shared.definitions import deploy_directory
    from .services.shared.progress import fill_missing_progress
    upgrade()
    for definition in deploy_directory(current_app.config["BPMN_DIR"]):
        click.echo(f"  {definition.process_key} v{definition.version} ({definition.content_hash[:12]})")
    filled = fill_missing_progress()  # once: instances saved before 0008 kept no progress
    if filled:
        click.echo(f"  已补记 {filled} 个流程实例的流程图进度")


@click.command("demo")
@click.option("--reset", is_flag=True, help="Delete the SQLite database first.")
@click.option("--projects-per-city", default=20, show_default=True,
              help="科创项目 of the 3rd edition per 市州 (and half as many of the 2nd).")
@with_appcontext
def demo_command(reset: bool, projects_per_city: int):
    """Load reference data and demo instances standing at different steps of both processes."""
    from reports import fonts

    from .demo.scenario import load_demo
    from .demo.summary import print_summary
    if not fonts.ready():  # the demo's submitted 申报书 are rendered and frozen as it loads
        # (load_demo runs their jobs)
        fonts_command.callback()
    if reset:
        _reset_sqlite()
    upgrade_and_deploy()
    print_summary(load_demo(projects_per_city))


def _reset_sqlite():
    from .extensions import db
    db.drop_all()
    from sqlalchemy import text
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


@click.command("fire-timers")
@with_appcontext
def fire_timers_command():
    """Fire every due timer once (`grantflow worker` runs this sweep on an interval)."""
    from .services.background.timers import fire_due_timers
    click.echo(f"已推进 {fire_due_timers()} 个流程实例。")


@click.command("remind")
@with_appcontext
def remind_command():
    """Send the due reminders and overdue escalations once (a scheduler sweep can call
    ``services.reminders.send_due_reminders`` the same way)."""
    from .services.background.reminders import send_due_reminders
    click.echo(f"已发送 {send_due_reminders()} 条提醒。")


@click.command("worker")
@click.option("--processes", default=None, metavar="N|auto",
              help="worker processes: auto (default, GRANTFLOW_WORKER_PROCESSES) is one per core")
@with_appcontext
def worker_command(processes=None):
    """Run the worker in the foreground until Ctrl-C or SIGTERM: the timer sweep and the
    background jobs (exports, 申报书 renders, e-mail), in one process per core by default."""
    from .scheduler import run_workers, worker_logging, worker_processes
    worker_logging()
    app = current_app._get_current_object()
    try:
        count = worker_processes(processes or app.config.get("WORKER_PROCESSES"))
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--processes") from error
    click.echo(f"后台进程已启动（{count} 个进程）：定时器每 {app.config['TIMER_SWEEP_SECONDS']:g} 秒扫描一次，"
               f"后台任务每 {app.config['JOB_POLL_SECONDS']:g} 秒检查一次（Ctrl-C 停止）。")
    run_workers(app, count)


scheduler_command = click.Command("scheduler", callback=worker_command.callback,
                                  help="The same as `grantflow worker` (its former name).")


@click.command("check")
@with_appcontext
def check_command():
    """Check the database is consistent: every instance's saved workflow loads, open tasks and
    waiting timers equal what it waits for, no task completed twice. Exits 1 on any problem."""
    from .services.shared.consistency import check_consistency
    report = check_consistency()
    for problem in report.problems:
        click.echo(problem, err=True)
    click.echo(f"检查了 {report.instances} 个流程实例：待办 {report.open_tasks} 条，定时器 "
               f"{report.waiting_timers} 个，办理记录 {report.completions} 条；"
               + ("一致。" if report.ok else f"发现 {len(report.problems)} 处问题。"))
    if not report.ok:
        raise SystemExit(1)


@click.command("backup")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(archive: Path):
    """Back up every table and every uploaded or rendered file into ARCHIVE (.tar.gz), a
    consistent snapshot while the app runs; restores into SQLite or PostgreSQL."""
    from .services.shared import settings
    from .services.shared.backup import backup
    summary = backup(archive, settings.current().upload_dir)
    click.echo(f"已备份到 {archive}：{summary.tables} 张表 {summary.rows} 行，{summary.files} 个文件，"
               f"共 {summary.size / 1e6:.1f} MB。")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the data of a database that is not empty.")
@with_appcontext
def restore_command(archive: Path, force: bool):
    """Restore ARCHIVE (from `grantflow backup`) into this database and upload directory: all
    checked first, then all rows in one transaction. Refuses a non-empty database without --force."""
    from .services.shared import settings
    from .services.shared.backup import restore
    from .services.shared.errors import ServiceError
    upgrade()  # the schema the archive's rows go into (a fresh database gets its tables)
    try:
        summary = restore(archive, settings.current().upload_dir, force=force)
    except ServiceError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"已恢复：{summary.tables} 张表 {summary.rows} 行，{summary.files} 个文件。")


@click.command("run-jobs")
@with_appcontext
def run_jobs_command():
    """Run every due background job once, in the foreground (then exit)."""
    from .services.background.jobs import run_pending_jobs
    click.echo(f"已执行 {run_pending_jobs()} 个后台任务。")


@click.command("fonts")
def fonts_command():
    """Prepare the documents' fonts once (TrueType builds of Noto CJK, ≈1 min): PDFs then
    render in a fraction of a second instead of seconds. scripts/install.sh runs this."""
    from reports import fonts
    if fonts.ready():
        click.echo(f"文书字体已就绪：{fonts.font_dir()}")
        return
    click.echo("正在生成文书字体（约1分钟，只需一次）……")
    try:
        paths = fonts.prepare_all(lambda face, path, seconds: click.echo(
            f"  {path.name}  {path.stat().st_size / 1e6:.1f} MB  {seconds:.0f} s"))
    except fonts.FontsUnavailable as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"文书字体已就绪：{paths[0].parent}")


@click.command("export-applications")
@click.argument("call_id", type=int)
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="The zip to write, e.g. 申报书汇总.zip")
@with_appcontext
def export_applications_command(call_id: int, out_path: str):
    """Zip every submitted 申报书 of a call (the latest frozen PDF of each, plus manifest.csv)."""
    from pathlib import Path
    from .services.background.jobs import TryLater
    from .services.shared.errors import NotFound
    from .services.documents.exports import export_size, export_to_file
    try:
        total = export_size(call_id)
        with click.progressbar(length=total, label="导出申报书", show_pos=True) as bar:
            rows = export_to_file(call_id, Path(out_path),
                                  lambda done, _total: bar.update(done - bar.pos))
    except (NotFound, TryLater) as error:  # TryLater: a 申报书 awaits the worker's render
        raise click.ClickException(error.message) from error
    click.echo(f"已导出 {len(rows)} 份申报书：{out_path}")


@click.command("api-token")
@click.argument("username")
@click.option("--name", default="命令行创建", show_default=True, help="The token's name (名称)")
@click.option("--days", default=90, show_default=True, type=int, help="Days it lives: 30, 90, 180 or 365")
@with_appcontext
def api_token_command(username: str, name: str, days: int):
    """Create an API token for USERNAME and print its secret (shown once; only its hash is
    kept) — as the 「API令牌」 page does, for scripts and docs/api.md."""
    import sqlalchemy as sa
    from .extensions import db
    from .models import User
    from .services.shared import api_tokens
    from .services.shared.errors import InvalidInput
    user = db.session.scalar(sa.select(User).filter_by(username=username))
    if user is None or not user.active:
        raise click.ClickException(f"用户 {username} 不存在或已停用")
    try:
        made = api_tokens.create_token(user, name, days)
    except InvalidInput as error:
        raise click.ClickException(error.message) from error
    click.echo(made.secret)


def register_commands(app) -> None:
    for command in (init_db_command, demo_command, fire_timers_command, worker_command,
                    scheduler_command, run_jobs_command, remind_command,
                    export_applications_command, api_token_command, check_command,
                    backup_command, restore_command):
        app.cli.add_command(command)


main = FlaskGroup(create_app=_create_app, help="grantflow — 科创项目与专家团项目全流程管理")
main.add_command(run_command)  # replaces Flask's run: the same options, plus the timer sweep
main.add_command(fonts_command)  # needs no app (install runs it before any configuration)
