"""The task pages' URLs, mounted by the site's work application (project/site.py) as "work:…".

A task's page shows one panel per lead agency; what an agency does to its own part (its
assignment) is posted to that part's URL, what the standing office does to the whole task to the
task's.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.TaskListView.as_view(), name="inbox"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task"),
    path("tasks/<int:pk>/comment/", views.comment, name="task_comment"),
    path("tasks/<int:pk>/urge/", views.urge, name="task_urge"),
    path("parts/<int:pk>/acknowledge/", views.acknowledge, name="part_acknowledge"),
    path("parts/<int:pk>/officer/", views.reassign_officer, name="part_officer"),
    path("parts/<int:pk>/report/", views.ReportView.as_view(), name="part_report"),
    path("parts/<int:pk>/contribute/", views.contribute, name="part_contribute"),
    path("parts/<int:pk>/sign-off/", views.sign_off, name="part_sign_off"),
    path("parts/<int:pk>/review/", views.review, name="part_review"),
    path("files/<int:pk>/", views.task_file, name="task_file"),
    path("reviews/", views.ReviewQueueView.as_view(), name="review_queue"),
    path("overdue/", views.OverdueView.as_view(), name="overdue"),
    path("approvals/", views.ApprovalQueueView.as_view(), name="approvals"),
    path("agency/", views.AgencyView.as_view(), name="agency"),
]
