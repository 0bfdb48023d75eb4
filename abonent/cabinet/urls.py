"""Pages of the personal cabinet."""

from __future__ import annotations

from django.urls import URLPattern, path

from abonent.cabinet import staff, views

app_name = "cabinet"

urlpatterns: list[URLPattern] = [
    path("cabinet/", views.home, name="home"),
    path("cabinet/accounts/<str:number>/", views.account, name="account"),
    path("cabinet/sign-in/", views.sign_in, name="sign-in"),
    path("cabinet/sign-in/code/", views.sign_in_code, name="sign-in-code"),
    path("cabinet/sign-out/", views.sign_out, name="sign-out"),
    path("cabinet/secret/", views.change_secret, name="change-secret"),
    path("cabinet/readings/", views.submit_reading, name="submit-reading"),
]

urlpatterns += [
    path("staff/cabinet/readings/review/", staff.review_list, name="staff-review"),
    path("staff/cabinet/readings/<int:reading_id>/review/", staff.review, name="staff-review-do"),
    path("staff/cabinet/invoices/", staff.invoices, name="staff-invoices"),
    path("staff/cabinet/imports/", staff.imports, name="staff-imports"),
    path(
        "staff/cabinet/imports/<int:run_id>/rejected.csv",
        staff.import_rejections,
        name="staff-import-rejections",
    ),
    path(
        "staff/cabinet/invoices/<str:number>/<str:period>.pdf",
        staff.invoice_copy,
        name="staff-invoice-copy",
    ),
]
