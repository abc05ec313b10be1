"""SQLAlchemy models (typed, SQLAlchemy 2)."""
from .awards import (AwardNomination, AwardRound, ConciergeProfile, ContributionUnit,
                     QualityProject)
from .calls import ConferenceEdition, GrantCall, SettingsVersion
from .documents import EXPORT_STATUSES, ExportJob, StoredDocument
from .api import ApiToken, IdempotentRequest, LoginFailure
from .jobs import ACTIVE_JOB_STATUSES, JOB_STATUSES, Job
from .notices import Holiday, Notification
from .orgs import ORG_TYPES, Org, RoleAssignment, User
from .process import AuditEvent, ProcessDefinition, ProcessInstance, Task, Timer
from .records import FollowUpRecord, GrantApplication, KpiEntry, Project
from .selection import SelectionMark, SelectionShortfall
from .web import Attachment, InstanceViewer, TaskDraft

__all__ = [
    "ApiToken", "IdempotentRequest", "LoginFailure",
    "AwardNomination", "AwardRound", "ConciergeProfile", "ContributionUnit", "QualityProject",
    "Attachment", "InstanceViewer", "TaskDraft", "Holiday", "Notification",
    "EXPORT_STATUSES", "ExportJob", "StoredDocument", "ACTIVE_JOB_STATUSES", "JOB_STATUSES", "Job",
    "AuditEvent", "ConferenceEdition", "SettingsVersion", "FollowUpRecord", "GrantApplication", "GrantCall",
    "KpiEntry", "ORG_TYPES", "Org", "ProcessDefinition", "ProcessInstance", "Project",
    "RoleAssignment", "Task", "Timer", "User", "SelectionMark", "SelectionShortfall",
]
