"""Forum pages: home, listings by country and theme, threads, posting."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum.blueprints.forms import form_status, submit
from forum.blueprints.forum import bp
from forum.blueprints.forum.forms import EditForm, ReplyForm, ThreadForm
from forum.blueprints.paging import page_number
from forum.i18n import current_locale_code
from forum.services import (
    discussions,
    following,
    notifications,
    practices,
    reactions,
    reference,
    threads,
)
from forum.services.visibility import moderates_thread, readable_post


def _sort() -> str:
    sort = request.args.get("sort", "latest")
    return sort if sort in discussions.SORTS else "latest"


@bp.route("/")
def index():
    """Show the home page: the country x theme matrix and featured threads."""
    return render_template(
        "forum/index.html",
        countries=reference.list_countries(),
        themes=reference.list_themes(),
        matrix=discussions.activity_matrix(),
        featured=discussions.featured_threads(),
        latest=discussions.latest_threads(current_user),
    )


@bp.route("/c/<code>")
@bp.route("/t/<slug>")
@bp.route("/c/<code>/t/<slug>")
def list_threads(code: str | None = None, slug: str | None = None):
    """List the threads of a country, a theme, or both."""
    country = reference.get_country(code) if code else None
    theme = reference.get_theme(slug) if slug else None
    listing = discussions.list_threads(
        current_user,
        country=country.code if country else None,
        theme=theme.slug if theme else None,
        sort=_sort(),
        page=page_number(),
        per_page=current_app.config["THREADS_PER_PAGE"],
    )
    return render_template(
        "forum/threads.html",
        country=country,
        theme=theme,
        listing=listing,
        sort=_sort(),
        following_country=_follows(country_code=country.code) if country else False,
        following_theme=_follows(theme_slug=theme.slug) if theme else False,
    )


def _follows(**what) -> bool:
    return current_user.is_authenticated and following.is_following(
        current_user, **what
    )


@bp.route("/threads/new", methods=["GET", "POST"])
@login_required
def new_thread():
    """Start a discussion, with a preview before posting."""
    form = ThreadForm(
        country=request.args.get("country"),
        themes=request.args.getlist("theme"),
        language=current_locale_code(),
    )
    form.fill_choices(current_locale_code())
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = threads.render_body(form.body.data)
        else:
            outcome = submit(
                form,
                threads.create_thread,
                current_user,
                title=form.title.data,
                body=form.body.data,
                country=form.country.data,
                themes=form.themes.data or [],
                language=form.language.data,
            )
            if outcome.ok:
                return _after_posting(outcome.value.id, outcome.value.approved)
    return render_template(
        "forum/new_thread.html", form=form, preview=preview
    ), form_status(form)


def _after_posting(thread_id: int, approved: bool, post_id: int | None = None):
    if not approved:
        flash(
            _(
                "Thank you! A moderator will publish your post soon: "
                "new members' first posts are checked."
            ),
            "info",
        )
    if post_id:
        return redirect(url_for("forum.permalink", post_id=post_id))
    return redirect(url_for("forum.view_thread", thread_id=thread_id))


@bp.route("/threads/<int:thread_id>")
def view_thread(thread_id: int):
    """Show a thread as a reply tree (default) or in chronological order."""
    thread = threads.get_thread(current_user, thread_id, follow_merge=True)
    if thread.id != thread_id:
        return redirect(url_for("forum.view_thread", thread_id=thread.id))
    view = "flat" if request.args.get("view") == "flat" else "tree"
    posts = discussions.thread_posts(
        current_user,
        thread,
        view=view,
        page=page_number(),
        per_page=current_app.config["POSTS_PER_PAGE"],
    )
    if current_user.is_authenticated:
        # Before rendering, so that the header's unread count leaves them out.
        notifications.mark_thread_notifications_read(current_user, thread, commit=False)
    page = render_template(
        "forum/thread.html",
        thread=thread,
        posts=posts,
        view=view,
        parents=discussions.parents_by_id(posts.items),
        helpful=reactions.helpful_ids(current_user, posts.items),
        watching=current_user.is_authenticated
        and following.is_watching(current_user, thread),
        moderator=moderates_thread(current_user, thread),
        # On the first page only: later pages are at their query budget.
        practice=practices.practice_for_thread(thread.id) if posts.page == 1 else None,
        can_accept=reactions.can_accept(current_user, thread),
        readable=lambda post: readable_post(current_user, post),
        can_edit=lambda post: threads.can_edit(current_user, post),
        # Members only: a form renders a per-session CSRF token, which would
        # make a visitor's page uncacheable (forum.page_cache).
        reply_form=ReplyForm(formdata=None) if current_user.is_authenticated else None,
    )
    if current_user.is_authenticated:
        # Only now: committing expires every record the page reads (N+1).
        discussions.mark_read(current_user, thread)
    return page


@bp.route("/posts/<int:post_id>")
def permalink(post_id: int):
    """Send a post's permanent link to the page of its thread that shows it."""
    post = threads.get_post(current_user, post_id)
    view = "flat" if request.args.get("view") == "flat" else "tree"
    page = discussions.page_of_post(
        current_user, post, view=view, per_page=current_app.config["POSTS_PER_PAGE"]
    )
    args = {"page": page} if page > 1 else {}
    if view == "flat":
        args["view"] = "flat"
    return redirect(
        url_for(
            "forum.view_thread",
            thread_id=post.thread_id,
            _anchor=f"post-{post.id}",
            **args,
        )
    )


@bp.route("/threads/<int:thread_id>/reply", methods=["GET", "POST"])
@login_required
def reply(thread_id: int):
    """Answer a thread or one of its posts, with a preview and quoting."""
    thread = threads.get_thread(current_user, thread_id)
    # No form where the answer would be refused (a deleted or locked thread).
    threads.check_open_for_replies(current_user, thread)
    form = ReplyForm()
    parent = _parent_for_form(form, thread)
    quoted = request.args.get("quote", type=int)
    if request.method == "GET" and quoted:
        form.body.data = _quote(threads.get_post(current_user, quoted))
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = threads.render_body(form.body.data)
        else:
            outcome = submit(
                form,
                threads.reply,
                current_user,
                thread,
                body=form.body.data,
                parent_id=form.parent_id.data or None,
            )
            if outcome.ok:
                return _after_posting(
                    thread.id, outcome.value.approved, outcome.value.id
                )
    return render_template(
        "forum/reply.html", thread=thread, form=form, parent=parent, preview=preview
    ), form_status(form)


def _parent_for_form(form: ReplyForm, thread):
    wanted = request.args.get("to") or form.parent_id.data
    if not wanted or not (str(wanted).isascii() and str(wanted).isdigit()):
        return None
    parent = threads.get_post(current_user, int(wanted))
    if parent.thread_id != thread.id:
        if request.method == "GET":
            abort(404)
        return None  # the service explains why the form is refused
    form.parent_id.data = str(wanted)
    return parent


def _quote(post) -> str:
    if not readable_post(current_user, post):
        abort(404)
    quoted = "\n".join("> " + line for line in post.body_markdown.splitlines())
    return f"@{post.author.username}:\n{quoted}\n\n"


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit_post(post_id: int):
    """Edit one's own post (moderators: any post they moderate)."""
    post = threads.get_post(current_user, post_id)
    if not threads.can_edit(current_user, post):
        abort(403)
    data = {"body": post.body_markdown, "title": post.thread.title}
    form = EditForm(data=data if request.method == "GET" else None)
    preview = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = threads.render_body(form.body.data)
        else:
            outcome = submit(
                form,
                threads.edit_post,
                current_user,
                post,
                body=form.body.data,
                title=form.title.data if post.is_first else None,
            )
            if outcome.ok:
                flash(_("Your changes are saved."), "success")
                return redirect(url_for("forum.permalink", post_id=post.id))
    return render_template(
        "forum/edit_post.html", post=post, form=form, preview=preview
    ), form_status(form)


@bp.route("/posts/<int:post_id>/history")
@login_required
def post_history(post_id: int):
    """Show a post's earlier versions to its author and to moderators."""
    post = threads.get_post(current_user, post_id)
    return render_template(
        "forum/history.html", post=post, revisions=threads.revisions(current_user, post)
    )


@bp.route("/posts/<int:post_id>/delete", methods=["POST"])
@login_required
def delete_post(post_id: int):
    """Delete one's own post; a placeholder stays."""
    post = threads.get_post(current_user, post_id)
    threads.delete_own_post(current_user, post)
    flash(_("Your post is deleted."), "success")
    return redirect(url_for("forum.permalink", post_id=post.id))


@bp.route("/posts/<int:post_id>/helpful", methods=["POST"])
@login_required
def mark_helpful(post_id: int):
    """Mark a post helpful, or take the mark back."""
    post = threads.get_post(current_user, post_id)
    reactions.toggle_helpful(current_user, post)
    return redirect(url_for("forum.permalink", post_id=post.id))


@bp.route("/posts/<int:post_id>/accept", methods=["POST"])
@login_required
def accept_answer(post_id: int):
    """Mark a reply as the accepted answer, or take the mark back."""
    post = threads.get_post(current_user, post_id)
    reactions.accept_answer(current_user, post)
    return redirect(url_for("forum.permalink", post_id=post.id))


@bp.route("/threads/<int:thread_id>/watch", methods=["POST"])
@login_required
def toggle_watch(thread_id: int):
    """Watch a thread, or stop watching it."""
    thread = threads.get_thread(current_user, thread_id)
    if following.toggle_watch(current_user, thread):
        flash(_("You watch this discussion: you will hear of new replies."), "success")
    else:
        flash(_("You no longer watch this discussion."), "info")
    return redirect(url_for("forum.view_thread", thread_id=thread.id))


@bp.route("/c/<code>/follow", methods=["POST"])
@bp.route("/t/<slug>/follow", methods=["POST"])
@login_required
def toggle_follow(code: str | None = None, slug: str | None = None):
    """Follow a country or a theme, or stop following it."""
    what = (
        {"country_code": reference.get_country(code).code}
        if code
        else {"theme_slug": reference.get_theme(slug).slug}
    )
    if following.toggle_follow(current_user, **what):
        flash(_("You follow this: you will hear of new discussions."), "success")
    else:
        flash(_("You no longer follow this."), "info")
    return redirect(
        url_for("forum.list_threads", code=code)
        if code
        else url_for("forum.list_threads", slug=slug)
    )
